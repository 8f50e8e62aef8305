using System.Text.Json.Serialization;

namespace MicroSeg.Api.Paging;

/// <summary>One page of a list ordered by id; <see cref="Next"/> is the cursor of the next page, null on the last.</summary>
/// <typeparam name="T">The listed item.</typeparam>
/// <param name="Items">This page's items, in id order.</param>
/// <param name="Next">Pass it back as ?cursor= for the next page; null when this page is the last.</param>
public sealed record ListPage<T>(
    IReadOnlyList<T> Items,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);
