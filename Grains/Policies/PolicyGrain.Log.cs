using Microsoft.Extensions.Logging;

namespace MicroSeg.Grains.Policies;

internal sealed partial class PolicyGrain
{
    // PolicyId and Namespace are named fields (under State in --log-format json), so a collector can follow one
    // policy without parsing messages. Namespace is empty for a cluster-wide policy.
    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "Policy {PolicyId} {Change} (namespace '{Namespace}')")]
    private partial void LogStored(string policyId, string @namespace, string change);

    // A batch's own events count its policies; one line per policy only at Debug, batches hold thousands.
    [LoggerMessage(EventId = 2105, Level = LogLevel.Debug, Message = "Policy {PolicyId} written by a batch (namespace '{Namespace}', stamp {Stamp})")]
    private partial void LogStoredFromBatch(string policyId, string @namespace, long stamp);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Information, Message = "Policy {PolicyId} deleted (namespace '{Namespace}')")]
    private partial void LogDeleted(string policyId, string @namespace);
}
