using System.Diagnostics;
using System.Text.RegularExpressions;

namespace MicroSeg.Bpf.Tests.Abi;

internal sealed record BtfMember(string Name, int TypeId, int BitsOffset);

internal sealed record BtfType(int Id, string Kind, string Name, int Size, int TypeId, int Elements,
    List<BtfMember> Members, Dictionary<string, long> Enumerators);

/// <summary>
/// The BTF of an object, parsed from `bpftool btf dump file X format raw`: enough to
/// resolve struct member offsets/sizes and enum values.
/// </summary>
internal sealed partial class BtfDump
{
    private readonly Dictionary<int, BtfType> _types = new();

    private BtfDump(string raw)
    {
        BtfType? current = null;
        foreach (var line in raw.Split('\n'))
        {
            if (TypeLine().Match(line) is { Success: true } t)
            {
                current = new BtfType(int.Parse(t.Groups[1].Value), t.Groups[2].Value, t.Groups[3].Value,
                    Attr(line, "size"), Attr(line, "type_id"), Attr(line, "nr_elems"), new(), new());
                _types[current.Id] = current;
            }
            else if (current is not null && MemberLine().Match(line) is { Success: true } m)
            {
                if (current.Kind is "ENUM" or "ENUM64")
                    current.Enumerators[m.Groups[1].Value] = long.Parse(ValueAttr().Match(line).Groups[1].Value);
                else
                    current.Members.Add(new BtfMember(m.Groups[1].Value, Attr(line, "type_id"), Attr(line, "bits_offset")));
            }
        }
    }

    public static BtfDump Load(string objectPath)
    {
        var psi = new ProcessStartInfo("bpftool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "btf", "dump", "file", objectPath, "format", "raw" })
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start bpftool");
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"bpftool btf dump file {objectPath} failed: {stderr}");
        return new BtfDump(stdout);
    }

    public BtfType Named(string kind, string name) =>
        _types.Values.SingleOrDefault(t => t.Kind == kind && t.Name == name)
        ?? throw new KeyNotFoundException($"{kind} '{name}' is not in the object's BTF");

    /// <summary>Byte size of a type, following typedefs/qualifiers and arrays.</summary>
    public int SizeOf(int typeId)
    {
        var type = _types[typeId];
        return type.Kind switch
        {
            "TYPEDEF" or "CONST" or "VOLATILE" => SizeOf(type.TypeId),
            "ARRAY" => type.Elements * SizeOf(type.TypeId),
            _ => type.Size,
        };
    }

    private static int Attr(string line, string name)
    {
        var match = Regex.Match(line, $@"\b{name}=(\d+)");
        return match.Success ? int.Parse(match.Groups[1].Value) : 0;
    }

    [GeneratedRegex(@"^\[(\d+)\] (\w+) '([^']*)'")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^\t'([^']*)'")]
    private static partial Regex MemberLine();

    [GeneratedRegex(@"val=(-?\d+)")]
    private static partial Regex ValueAttr();
}
