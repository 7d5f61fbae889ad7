using System.Globalization;
using System.Text;

namespace VideoTransformers.Training.Logging;

/// <summary>
/// Appends metric rows to a CSV file (e.g. <c>metrics.csv</c>) with a header row, formatting numbers with
/// the invariant culture so the file reads the same everywhere (pandas, spreadsheets, <c>SvgPlot</c>).
/// Each row is flushed at once, so a crashed run keeps every completed row.
/// </summary>
public sealed class CsvMetricsWriter : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly Dictionary<string, int> _index;

    /// <summary>Opens <paramref name="path"/> for the given columns.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="columns">Column names, in order (e.g. <c>epoch, train_loss, val_top1</c>).</param>
    /// <param name="append">Continue an existing file (for a resumed run) instead of replacing it; its header must equal <paramref name="columns"/>.</param>
    /// <exception cref="ArgumentException">Columns are empty or repeated.</exception>
    /// <exception cref="InvalidDataException">Appending to a file whose header differs.</exception>
    public CsvMetricsWriter(string path, IEnumerable<string> columns, bool append = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(columns);
        Columns = columns.ToArray();
        if (Columns.Count == 0) throw new ArgumentException("At least one column is needed.", nameof(columns));
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.IsNullOrEmpty(Columns[i])) throw new ArgumentException($"Column {i} has no name.", nameof(columns));
            if (!_index.TryAdd(Columns[i], i)) throw new ArgumentException($"Column '{Columns[i]}' appears twice.", nameof(columns));
        }
        Path = path;
        var header = string.Join(',', Columns.Select(Escape));

        var continuing = append && File.Exists(path) && new FileInfo(path).Length > 0;
        if (continuing)
        {
            var existing = File.ReadLines(path).FirstOrDefault() ?? "";
            if (existing != header)
                throw new InvalidDataException($"Cannot append to '{path}': its header '{existing}' differs from '{header}'.");
        }
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir != null) Directory.CreateDirectory(dir);
        _writer = new StreamWriter(path, continuing, new UTF8Encoding(false)) { NewLine = "\n" };
        if (!continuing)
        {
            _writer.WriteLine(header);
            _writer.Flush();
        }
    }

    /// <summary>The file being written.</summary>
    public string Path { get; }

    /// <summary>The column names, in order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Writes one row from values by column name; missing columns are left empty.</summary>
    /// <exception cref="ArgumentException">A key is not a column.</exception>
    public void WriteRow(IReadOnlyDictionary<string, object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var row = new object?[Columns.Count];
        foreach (var (key, value) in values)
        {
            if (!_index.TryGetValue(key, out var i))
                throw new ArgumentException($"'{key}' is not a column of '{Path}' (columns: {string.Join(", ", Columns)}).", nameof(values));
            row[i] = value;
        }
        WriteCells(row);
    }

    /// <summary>Writes one row from values in column order; null is an empty cell.</summary>
    /// <exception cref="ArgumentException">The number of values differs from the number of columns.</exception>
    public void WriteRow(params object?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != Columns.Count)
            throw new ArgumentException($"{values.Length} values for {Columns.Count} columns of '{Path}'.", nameof(values));
        WriteCells(values);
    }

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose() => _writer.Dispose();

    private void WriteCells(object?[] cells)
    {
        _writer.WriteLine(string.Join(',', cells.Select(c => Escape(Format(c)))));
        _writer.Flush();
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        // "R" round-trips exactly, so a value read back from the CSV equals the one logged.
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Escape(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (cell.Length > 0 && (cell[0] == ' ' || cell[^1] == ' '))
            ? "\"" + cell.Replace("\"", "\"\"") + "\""
            : cell;
}
