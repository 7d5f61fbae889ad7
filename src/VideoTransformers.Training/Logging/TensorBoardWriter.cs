using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace VideoTransformers.Training.Logging;

/// <summary>
/// Writes scalar summaries to a TensorBoard event file, <c>events.out.tfevents.&lt;unix seconds&gt;.&lt;host&gt;</c>,
/// in a log directory; point <c>tensorboard --logdir</c> at it. Thread-safe.
/// </summary>
public sealed class TensorBoardWriter : IDisposable
{
    private readonly object _gate = new();
    private readonly FileStream _stream;
    private readonly TfRecordWriter _records;
    private readonly ILogger _logger;
    private bool _disposed;

    /// <summary>Creates <paramref name="logDirectory"/> if needed and starts a new event file in it.</summary>
    /// <param name="logDirectory">The run directory (one per run, so TensorBoard shows runs side by side).</param>
    /// <param name="logger">Receives the path of the event file; optional.</param>
    public TensorBoardWriter(string logDirectory, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(logDirectory);
        _logger = logger ?? NullLogger.Instance;
        Directory.CreateDirectory(logDirectory);
        var now = DateTimeOffset.UtcNow;
        var baseName = $"events.out.tfevents.{now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}.{HostName()}";
        // Two writers started in the same second (e.g. train and eval in one process) must not share a file.
        for (var attempt = 0; ; attempt++)
        {
            var path = Path.Combine(logDirectory, attempt == 0 ? baseName : $"{baseName}.{attempt.ToString(CultureInfo.InvariantCulture)}");
            try
            {
                _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
                FilePath = path;
                break;
            }
            catch (IOException) when (File.Exists(path) && attempt < 1000)
            {
            }
        }
        _records = new TfRecordWriter(_stream);
        _records.Write(TensorBoardEvents.FileVersionEvent(WallTime(now)));
        _stream.Flush();
        _logger.LogInformation("TensorBoard events go to {Path}", FilePath);
    }

    /// <summary>The event file being written.</summary>
    public string FilePath { get; }

    /// <summary>Records <paramref name="value"/> for <paramref name="tag"/> (e.g. <c>train/loss</c>) at <paramref name="step"/>.</summary>
    /// <param name="tag">The series name; slashes group series into sections in TensorBoard.</param>
    /// <param name="value">The value.</param>
    /// <param name="step">The x coordinate (global step or epoch).</param>
    /// <param name="wallTime">When the value was measured; now when omitted.</param>
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    public void AddScalar(string tag, float value, long step, DateTimeOffset? wallTime = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        var record = TensorBoardEvents.ScalarEvent(WallTime(wallTime ?? DateTimeOffset.UtcNow), step, tag, value);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _records.Write(record);
        }
    }

    /// <summary>Pushes buffered events to the file so a running TensorBoard sees them.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _stream.Flush();
        }
    }

    /// <summary>Flushes and closes the event file.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _stream.Dispose();
        }
    }

    private static double WallTime(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;

    private static string HostName()
    {
        var name = Environment.MachineName;
        // The host becomes part of a file name; keep it to characters every file system accepts.
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
        return safe.Length == 0 ? "localhost" : safe;
    }
}
