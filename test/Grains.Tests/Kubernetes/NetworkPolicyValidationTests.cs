using System.Text.Json;
using MicroSeg.Grains.Interfaces.Kubernetes;

namespace MicroSeg.Grains.Tests.Kubernetes;

/// <summary>Invalid NetworkPolicies are refused with errors that name the Kubernetes field.</summary>
public sealed class NetworkPolicyValidationTests
{
    public static TheoryData<string, string> Invalid => new()
    {
        { """{"apiVersion":"networking.k8s.io/v1beta1","kind":"NetworkPolicy","metadata":{"name":"p"},"spec":{"podSelector":{}}}""", "documents[0].apiVersion" },
        { """{"apiVersion":"networking.k8s.io/v1","kind":"Policy","metadata":{"name":"p"},"spec":{"podSelector":{}}}""", "documents[0].kind" },
        { """{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"Bad_Name"},"spec":{"podSelector":{}}}""", "documents[0].metadata.name" },
        { """{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p","namespace":"a.b"},"spec":{"podSelector":{}}}""", "documents[0].metadata.namespace" },
        { """{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p"}}""", "documents[0].spec" },
        { """{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p"},"spec":{}}""", "documents[0].spec.podSelector" },
        { """{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p"},"spec":{"podSelector":{},"policyTypes":["Inbound"]}}""", "documents[0].spec.policyTypes[0]" },
        { """{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p"},"spec":{"podSelector":{},"ingress":[{"from":[{"ipBlock":{"cidr":"198.19.0.0/16"},"podSelector":{}}]}]}}""", "documents[0].spec.ingress[0].from[0]" },
        { """{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p"},"spec":{"podSelector":{},"ingress":[{"from":[{}]}]}}""", "documents[0].spec.ingress[0].from[0]" },
        { """{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p"},"spec":{"podSelector":{},"ingress":[{"from":[{"ipBlock":{"cidr":"198.19.0.0/33"}}]}]}}""", "documents[0].spec.ingress[0].from[0].ipBlock.cidr" },
        { """{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p"},"spec":{"podSelector":{},"ingress":[{"from":[{"ipBlock":{"cidr":"198.19.0.0/16","except":["198.20.0.0/24"]}}]}]}}""", "documents[0].spec.ingress[0].from[0].ipBlock.except[0]" },
        { """{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p"},"spec":{"podSelector":{},"ingress":[{"ports":[{"protocol":"ICMP"}]}]}}""", "documents[0].spec.ingress[0].ports[0].protocol" },
        { """{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p"},"spec":{"podSelector":{},"egress":[{"to":[{"ipBlock":{"cidr":"010.0.0.0/8"}}]}]}}""", "documents[0].spec.egress[0].to[0].ipBlock.cidr" },
        { """{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p"},"spec":{"podSelector":{},"egress":[{"to":[{"ipBlock":{"cidr":"10.0.0.0/8","except":["10.001.0.0/16"]}}]}]}}""", "documents[0].spec.egress[0].to[0].ipBlock.except[0]" },
        { """{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p"},"spec":{"podSelector":{},"ingress":[{"ports":[{"port":"pg","endPort":90}]}]}}""", "documents[0].spec.ingress[0].ports[0].endPort" },
        { """{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p"},"spec":{"podSelector":{},"egress":[{"to":[{"podSelector":{"matchExpressions":[{"key":"app","operator":"Like"}]}}]}]}}""", "documents[0].spec.egress[0].to[0].podSelector.matchExpressions[0].operator" },
        { """{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p"},"spec":{"podSelector":{},"ingress":[{"ports":[{"port":0}]}]}}""", "documents[0].spec.ingress[0].ports[0].port" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Translate_InvalidDocument_NamesTheField(string json, string field)
    {
        var doc = JsonSerializer.Deserialize<NetworkPolicyDocument>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        var (policy, errors) = NetworkPolicyTranslator.Translate(doc, json, "documents[0]");
        Assert.Null(policy);
        Assert.True(errors.Any(e => e.Field == field), $"expected an error on {field}, got: {string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}"))}");
    }
}
