using System.Globalization;
using FluentAssertions;
using VideoTransformers.Training.Logging;
using Xunit;

namespace VideoTransformers.Training.Tests.Logging;

public class CsvMetricsWriterTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "vt-csv-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    [Fact]
    public void Writes_header_and_invariant_rows_even_under_a_comma_decimal_culture()
    {
        var path = Path.Combine(_dir, "run1", "metrics.csv");
        var saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        try
        {
            using var csv = new CsvMetricsWriter(path, ["epoch", "train_loss", "val_top1", "note"]);
            csv.WriteRow(1, 0.5, 0.25f, null);
            csv.WriteRow(new Dictionary<string, object?> { ["epoch"] = 2, ["val_top1"] = 1.0 / 3, ["note"] = "lr drop, \"cosine\"" });
            csv.WriteRow(3, double.NaN, 1e-7, true);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
        File.ReadAllText(path).Should().Be(
            "epoch,train_loss,val_top1,note\n" +
            "1,0.5,0.25,\n" +
            "2,,0.3333333333333333,\"lr drop, \"\"cosine\"\"\"\n" +
            "3,NaN,1E-07,true\n");
    }

    [Fact]
    public void Append_continues_a_file_with_the_same_header_and_refuses_another()
    {
        var path = Path.Combine(_dir, "metrics.csv");
        using (var csv = new CsvMetricsWriter(path, ["step", "loss"])) csv.WriteRow(1, 2.0);
        using (var csv = new CsvMetricsWriter(path, ["step", "loss"], append: true)) csv.WriteRow(2, 1.5);
        File.ReadAllLines(path).Should().Equal("step,loss", "1,2", "2,1.5");

        var act = () => new CsvMetricsWriter(path, ["step", "accuracy"], append: true);
        act.Should().Throw<InvalidDataException>().WithMessage($"*{path}*'step,loss'*'step,accuracy'*");

        using (new CsvMetricsWriter(path, ["step", "accuracy"])) { }
        File.ReadAllLines(path).Should().Equal("step,accuracy");
    }

    [Fact]
    public void Rejects_unknown_columns_and_wrong_row_lengths()
    {
        using var csv = new CsvMetricsWriter(Path.Combine(_dir, "m.csv"), ["a", "b"]);
        csv.Invoking(c => c.WriteRow(new Dictionary<string, object?> { ["c"] = 1 })).Should().Throw<ArgumentException>().WithMessage("*'c' is not a column*");
        csv.Invoking(c => c.WriteRow(1)).Should().Throw<ArgumentException>().WithMessage("*1 values for 2 columns*");
        var dup = () => new CsvMetricsWriter(Path.Combine(_dir, "d.csv"), ["a", "a"]);
        dup.Should().Throw<ArgumentException>().WithMessage("*'a' appears twice*");
    }
}
