namespace MicroSeg.NodeAgent.Interfaces;

/// <summary>What a workload's interface name stands for on this node.</summary>
/// <param name="IfIndex">The device to attach to; 0 when missing or refused.</param>
/// <param name="Refusal">Why the agent will not attach to it, or null.</param>
internal readonly record struct InterfaceLookup(int IfIndex, string? Refusal)
{
    public static InterfaceLookup Missing => default;

    public bool IsMissing => IfIndex == 0 && Refusal is null;
}

/// <summary>
/// Turns a workload's interface name into a device of this node, in the order that keeps a bad name
/// away from the kernel: the name is checked by the kernel's rules first, then looked up in the link
/// table, then the device is checked against the allow-list (veth, or --interfaces).
/// </summary>
internal sealed class InterfaceResolver(InterfaceAllowList allowList)
{
    /// <summary>Resolves names against one reading of the link table, so every endpoint of a pass sees the same devices.</summary>
    public Func<string, InterfaceLookup> Using(IReadOnlyDictionary<string, LinkInfo> links) => name => Resolve(name, links);

    public InterfaceLookup Resolve(string name, IReadOnlyDictionary<string, LinkInfo> links)
    {
        if (InterfaceNames.Check(name) is { } invalid)
            return new InterfaceLookup(0, $"invalid interface name: {invalid}");
        if (!links.TryGetValue(name, out var link))
            return InterfaceLookup.Missing;
        return allowList.Refusal(link) is { } refusal ? new InterfaceLookup(0, refusal) : new InterfaceLookup(link.Index, null);
    }
}
