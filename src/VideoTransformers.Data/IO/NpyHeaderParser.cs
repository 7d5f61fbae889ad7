using System.Globalization;
using System.Text;

namespace VideoTransformers.Data.IO;

/// <summary>
/// Parses the header of a <c>.npy</c> file, which is a Python dict literal such as
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }</c>. Only the literal subset numpy
/// writes is accepted: strings, integers, True/False/None, tuples, lists and dicts.
/// </summary>
internal sealed class NpyHeaderParser
{
    private readonly string _text;
    private int _pos;

    private NpyHeaderParser(string text) => _text = text;

    /// <summary>Returns the parsed dict; throws <see cref="FormatException"/> with the reason on malformed input.</summary>
    public static Dictionary<string, object?> ParseDict(string text)
    {
        var parser = new NpyHeaderParser(text);
        var value = parser.ParseValue();
        parser.SkipWhitespace();
        if (parser._pos != text.Length)
            throw new FormatException($"unexpected text after the header dict at offset {parser._pos}");
        return value as Dictionary<string, object?> ?? throw new FormatException("the header is not a dict literal");
    }

    private object? ParseValue()
    {
        SkipWhitespace();
        if (_pos >= _text.Length) throw new FormatException("the header ends unexpectedly");
        var c = _text[_pos];
        switch (c)
        {
            case '{': return ParseDictBody();
            case '(': return ParseSequence(')');
            case '[': return ParseSequence(']');
            case '\'' or '"': return ParseString();
        }
        if (c == '-' || char.IsAsciiDigit(c)) return ParseInteger();
        if (char.IsAsciiLetter(c))
        {
            var start = _pos;
            while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_')) _pos++;
            var word = _text[start.._pos];
            return word switch
            {
                "True" => true,
                "False" => false,
                "None" => null,
                _ => throw new FormatException($"unexpected name '{word}' at offset {start}"),
            };
        }
        throw new FormatException($"unexpected character '{c}' at offset {_pos}");
    }

    private Dictionary<string, object?> ParseDictBody()
    {
        _pos++; // '{'
        var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (true)
        {
            SkipWhitespace();
            if (Peek() == '}') { _pos++; return dict; }
            if (ParseValue() is not string key) throw new FormatException($"a dict key before offset {_pos} is not a string");
            SkipWhitespace();
            Expect(':');
            dict[key] = ParseValue();
            SkipWhitespace();
            if (Peek() == ',') { _pos++; continue; }
            SkipWhitespace();
            Expect('}');
            return dict;
        }
    }

    private List<object?> ParseSequence(char close)
    {
        _pos++; // '(' or '['
        var items = new List<object?>();
        while (true)
        {
            SkipWhitespace();
            if (Peek() == close) { _pos++; return items; }
            items.Add(ParseValue());
            SkipWhitespace();
            if (Peek() == ',') { _pos++; continue; }
            Expect(close);
            return items;
        }
    }

    private string ParseString()
    {
        var quote = _text[_pos++];
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length) throw new FormatException("a string in the header is not terminated");
            var c = _text[_pos++];
            if (c == quote) return sb.ToString();
            if (c == '\\')
            {
                if (_pos >= _text.Length) throw new FormatException("a string in the header is not terminated");
                var e = _text[_pos++];
                sb.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', _ => e });
            }
            else sb.Append(c);
        }
    }

    private long ParseInteger()
    {
        var start = _pos;
        if (_text[_pos] == '-') _pos++;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos])) _pos++;
        var digits = _text[start.._pos];
        // Python 2 era files write longs with an 'L' suffix, e.g. (3L, 4L).
        if (_pos < _text.Length && _text[_pos] is 'L' or 'l') _pos++;
        if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw new FormatException($"'{digits}' at offset {start} is not a 64-bit integer");
        return value;
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private void Expect(char c)
    {
        if (Peek() != c) throw new FormatException($"expected '{c}' at offset {_pos} but found '{(_pos < _text.Length ? _text[_pos].ToString() : "end of header")}'");
        _pos++;
    }

    private void SkipWhitespace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
    }
}
