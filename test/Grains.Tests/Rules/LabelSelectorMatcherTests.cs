using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Tests.Rules;

public sealed class LabelSelectorMatcherTests
{
    private static readonly Dictionary<string, string> Web = new() { ["app"] = "web", ["env"] = "prod" };

    public static TheoryData<string, LabelSelector, bool> Cases => new()
    {
        { "empty selector matches everything", new LabelSelector(), true },
        { "matchLabels equal", new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } }, true },
        { "matchLabels other value", new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "db" } }, false },
        { "matchLabels missing key", new LabelSelector { MatchLabels = new Dictionary<string, string> { ["tier"] = "x" } }, false },
        { "matchLabels all must match", new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web", ["env"] = "dev" } }, false },
        { "In hit", Expr("env", SelectorOperators.In, "dev", "prod"), true },
        { "In miss", Expr("env", SelectorOperators.In, "dev"), false },
        { "In on absent key", Expr("tier", SelectorOperators.In, "x"), false },
        { "NotIn hit", Expr("env", SelectorOperators.NotIn, "dev"), true },
        { "NotIn miss", Expr("env", SelectorOperators.NotIn, "prod"), false },
        { "NotIn on absent key matches", Expr("tier", SelectorOperators.NotIn, "x"), true },
        { "Exists", Expr("app", SelectorOperators.Exists), true },
        { "Exists absent", Expr("tier", SelectorOperators.Exists), false },
        { "DoesNotExist absent", Expr("tier", SelectorOperators.DoesNotExist), true },
        { "DoesNotExist present", Expr("app", SelectorOperators.DoesNotExist), false },
        {
            "labels and expressions are ANDed",
            new LabelSelector
            {
                MatchLabels = new Dictionary<string, string> { ["app"] = "web" },
                MatchExpressions = [new LabelSelectorRequirement { Key = "env", Operator = SelectorOperators.In, Values = ["dev"] }],
            },
            false
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_Case_GivesKubernetesAnswer(string name, LabelSelector selector, bool expected)
    {
        Assert.True(LabelSelectorMatcher.Matches(selector, Web) == expected, name);
    }

    private static LabelSelector Expr(string key, string op, params string[] values) =>
        new() { MatchExpressions = [new LabelSelectorRequirement { Key = key, Operator = op, Values = values }] };
}
