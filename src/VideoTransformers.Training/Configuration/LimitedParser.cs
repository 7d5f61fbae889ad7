using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace VideoTransformers.Training.Configuration;

/// <summary>
/// A YAML event stream that stops hostile input before anything is built from it: it counts the nodes the document
/// stands for with every alias expanded (an alias costs the size of the node it names, so nested anchors cannot
/// multiply into billions of values), bounds the nesting depth (aliases included, as a reader walking the tree sees it),
/// and refuses an alias to a node that is still open (a cycle) or to no anchor at all.
/// </summary>
/// <remarks>
/// The check runs on the parser's events, which YamlDotNet produces without recursion, so it throws before the
/// representation model (which recurses once per nesting level) or any reader of it goes deeper or wider than allowed.
/// </remarks>
internal sealed class LimitedParser(IParser inner, int maxNodes, int maxDepth) : IParser
{
    private sealed class Frame(string? anchor, long firstNode)
    {
        public string? Anchor { get; } = anchor;
        public long FirstNode { get; } = firstNode;
        public int ChildHeight { get; set; }
    }

    // Expanded size and height (levels, itself included) of every completed anchored node.
    private readonly Dictionary<string, (long Nodes, int Height)> _anchors = new(StringComparer.Ordinal);
    private readonly List<Frame> _open = new();
    private long _nodes;

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (!inner.MoveNext()) return false;
        var e = inner.Current!;
        switch (e)
        {
            case DocumentStart:
                // Anchors do not reach across documents; the node count does, so many documents cannot add up unbounded.
                _anchors.Clear();
                break;
            case Scalar s:
                Add(1, 1, e);
                Define(s.Anchor, 1, 1);
                break;
            case AnchorAlias alias:
                var name = alias.Value.Value;
                if (_open.Any(f => f.Anchor == name))
                    throw new ConfigLimitException(e.Start, $"the alias '*{name}' refers to a node that contains it (a cycle)");
                if (!_anchors.TryGetValue(name, out var target))
                    throw new ConfigLimitException(e.Start, $"the alias '*{name}' has no anchor '&{name}' before it");
                Add(target.Nodes, target.Height, e);
                break;
            case SequenceStart or MappingStart:
                Add(1, 0, e);
                var anchor = ((NodeEvent)e).Anchor;
                _open.Add(new Frame(anchor.IsEmpty ? null : anchor.Value, _nodes - 1));
                if (_open.Count > maxDepth)
                    throw new ConfigLimitException(e.Start, $"nests deeper than {maxDepth} levels; a configuration is one flat mapping");
                break;
            case SequenceEnd or MappingEnd:
                var frame = _open[^1];
                _open.RemoveAt(_open.Count - 1);
                var height = frame.ChildHeight + 1;
                if (frame.Anchor is { } a) _anchors[a] = (_nodes - frame.FirstNode, height);
                if (_open.Count > 0) _open[^1].ChildHeight = Math.Max(_open[^1].ChildHeight, height);
                break;
        }
        return true;
    }

    private void Define(AnchorName anchor, long nodes, int height)
    {
        if (!anchor.IsEmpty) _anchors[anchor.Value] = (nodes, height);
    }

    /// <summary>Counts a node of <paramref name="nodes"/> expanded nodes and <paramref name="height"/> levels under the open one.</summary>
    private void Add(long nodes, int height, ParsingEvent at)
    {
        // Every stored size is at most the count so far, itself at most maxNodes: the sum cannot overflow.
        _nodes += nodes;
        if (_nodes > maxNodes)
            throw new ConfigLimitException(at.Start,
                $"expands to more than {maxNodes.ToString("N0", CultureInfo.InvariantCulture)} values (anchors and aliases multiplying, a 'billion laughs'?); a configuration holds a few hundred");
        if (_open.Count + height > maxDepth)
            throw new ConfigLimitException(at.Start, $"nests deeper than {maxDepth} levels once aliases are expanded; a configuration is one flat mapping");
        if (_open.Count > 0) _open[^1].ChildHeight = Math.Max(_open[^1].ChildHeight, height);
    }
}
