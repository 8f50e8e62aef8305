using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Simulations;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Simulations;

/// <summary>Replays flow records through two rule sets (today's and the simulated one) and counts what changes.</summary>
internal static class FlowReplay
{
    public static SimulationResult Run(IReadOnlyList<FlowRecord> flows, RuleEvaluator today, RuleEvaluator simulated, int examples, bool truncated)
    {
        long allowed = 0, denied = 0, newlyDenied = 0, newlyAllowed = 0, skipped = 0;
        var deniedExamples = new List<SimulatedFlow>();
        var changedExamples = new List<SimulatedFlow>();
        foreach (var flow in flows)
        {
            // What policy did not decide (neighbour discovery, a spoofed source) no policy change can change.
            if (flow.Reason is not (FlowWords.Rule or FlowWords.DefaultDeny or FlowWords.NoPolicy))
            {
                skipped++;
                continue;
            }
            var protocol = ProtocolNumber(flow.Protocol);
            var before = today.Evaluate(flow.Src.Address, flow.Dst.Address, protocol, flow.Dst.Port);
            var after = simulated.Evaluate(flow.Src.Address, flow.Dst.Address, protocol, flow.Dst.Port);
            var item = new SimulatedFlow(flow, Word(before.Allowed), Word(after.Allowed), after.ToString());
            if (after.Allowed)
                allowed++;
            else
            {
                denied++;
                if (deniedExamples.Count < examples)
                    deniedExamples.Add(item);
            }
            if (before.Allowed == after.Allowed)
                continue;
            if (after.Allowed)
                newlyAllowed++;
            else
                newlyDenied++;
            if (changedExamples.Count < examples)
                changedExamples.Add(item);
        }
        return new SimulationResult(flows.Count, allowed, denied, newlyAllowed + newlyDenied, newlyDenied, newlyAllowed, truncated, deniedExamples, changedExamples, skipped);
    }

    private static string Word(bool allowed) => FlowWords.Of(allowed ? FlowVerdict.Allow : FlowVerdict.Deny);

    /// <summary>The IP protocol number of a flow record's protocol text (a name, or the number itself).</summary>
    internal static byte ProtocolNumber(string protocol) =>
        PolicyProtocols.Numbers.TryGetValue(protocol.ToUpperInvariant(), out var number) ? number
        : byte.TryParse(protocol, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed
        : (byte)0;
}
