using System.Reflection;
using System.Text.Json;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Addresses;
using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Grains.Interfaces.Namespaces;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Settings;
using MicroSeg.Grains.Interfaces.Validation;
using MicroSeg.Grains.Interfaces.Workloads;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Serialization;

namespace MicroSeg.Grains.Tests.Serialization;

/// <summary>
/// Every type that crosses a grain boundary round-trips through the Orleans serializer with nothing
/// lost: one type without a codec would break its whole grain interface at run time.
/// </summary>
public sealed class MessageSerializationTests
{
    private static readonly Serializer Serializer = GrainSerializer.Instance;

    private static readonly JsonSerializerOptions Json = new() { IncludeFields = true };

    public static TheoryData<string> MessageNames => [.. Samples.Messages.Keys];

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void RoundTrip_EveryMessageType_EqualContent(string name)
    {
        var sample = Samples.Messages[name];

        var copy = Serializer.Deserialize<object>(Serializer.SerializeToArray<object>(sample))!;

        Assert.Equal(sample.GetType(), copy.GetType());
        Assert.Equal(JsonSerializer.Serialize(sample, sample.GetType(), Json), JsonSerializer.Serialize(copy, copy.GetType(), Json));
    }

    [Fact]
    public void RoundTrip_ValidationException_KeepsEveryError()
    {
        var thrown = new SpecValidationException([new ValidationError("addresses[0]", "bad"), new ValidationError("labels", "worse")]);

        var copy = Serializer.Deserialize<Exception>(Serializer.SerializeToArray<Exception>(thrown));

        var invalid = Assert.IsType<SpecValidationException>(copy);
        Assert.Equal(thrown.Errors, invalid.Errors);
        Assert.Equal(thrown.Message, invalid.Message);
    }

    [Fact]
    public void RoundTrip_AddressInUseException_KeepsFieldAndHolder()
    {
        var thrown = new AddressInUseException("web-2", "addresses[1]", "198.18.0.1", "web-1");

        var copy = Assert.IsType<AddressInUseException>(Serializer.Deserialize<Exception>(Serializer.SerializeToArray<Exception>(thrown)));

        Assert.Equal((thrown.WorkloadId, thrown.Field, thrown.Address, thrown.Holder, thrown.Message), (copy.WorkloadId, copy.Field, copy.Address, copy.Holder, copy.Message));
    }

    [Fact]
    public void Samples_CoverEverySerializableTypeOfTheContract()
    {
        var serializable = typeof(WorkloadSpec).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<GenerateSerializerAttribute>() is not null && !t.IsEnum && !typeof(Exception).IsAssignableFrom(t))
            .Select(t => t.IsGenericType ? t.GetGenericTypeDefinition() : t)
            .ToHashSet();
        var covered = Samples.Messages.Values.Select(v => v.GetType()).Select(t => t.IsGenericType ? t.GetGenericTypeDefinition() : t).ToHashSet();

        Assert.Empty(serializable.Except(covered).Select(t => t.Name));
    }

    [Fact]
    public void GrainInterfaces_EveryParameterAndResultType_IsSerializable()
    {
        var interfaces = typeof(WorkloadSpec).Assembly.GetTypes().Where(t => t.IsInterface && (typeof(IAddressable).IsAssignableFrom(t)));
        var missing = new List<string>();
        foreach (var method in interfaces.SelectMany(i => i.GetMethods()))
        {
            var types = method.GetParameters().Select(p => p.ParameterType).Append(method.ReturnType);
            foreach (var type in types.SelectMany(Flatten).Where(t => t.Assembly == typeof(WorkloadSpec).Assembly))
            {
                if (!type.IsInterface && type.GetCustomAttribute<GenerateSerializerAttribute>() is null)
                    missing.Add($"{method.DeclaringType!.Name}.{method.Name}: {type.Name}");
            }
        }
        Assert.Empty(missing);
    }

    [Fact]
    public void GrainInterfaces_EveryOne_HasAnAlias()
    {
        var interfaces = typeof(WorkloadSpec).Assembly.GetTypes().Where(t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t));

        Assert.Empty(interfaces.Where(i => i.GetCustomAttribute<AliasAttribute>() is null).Select(i => i.Name));
    }

    private static IEnumerable<Type> Flatten(Type type)
    {
        yield return type;
        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments().SelectMany(Flatten))
                yield return argument;
        }
    }
}
