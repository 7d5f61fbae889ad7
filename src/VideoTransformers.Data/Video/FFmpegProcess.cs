using System.ComponentModel;
using System.Diagnostics;

namespace VideoTransformers.Data.Video;

/// <summary>
/// One run of <c>ffmpeg</c> or <c>ffprobe</c> with its standard output read by the caller and the tail of its
/// standard error kept for error messages. Cancelling, disposing, or <see cref="FFmpegTools.IdleTimeout"/> passing
/// without output kills the child with its whole process tree, so no child outlives the call that started it.
/// </summary>
internal sealed class FFmpegProcess : IDisposable
{
    private const int StderrLines = 12;

    private readonly Process _process;
    private readonly Queue<string> _stderr = new();
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource _watchdog;
    private readonly CancellationTokenRegistration _killOnCancel;
    private readonly TimeSpan _idleTimeout;
    private readonly Stream _stdout;
    private readonly Action<string>? _onStderrLine;

    private FFmpegProcess(Process process, TimeSpan idleTimeout, Action<string>? onStderrLine, CancellationToken cancellationToken)
    {
        _onStderrLine = onStderrLine;
        _process = process;
        _idleTimeout = idleTimeout;
        _callerToken = cancellationToken;
        _stdout = process.StandardOutput.BaseStream;
        _watchdog = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _watchdog.CancelAfter(idleTimeout);
        _killOnCancel = _watchdog.Token.Register(Kill);
    }

    /// <summary>The program that runs.</summary>
    public required string Tool { get; init; }

    /// <summary>Starts <paramref name="tool"/> with <paramref name="arguments"/>.</summary>
    /// <param name="tool">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="idleTimeout">How long the child may write nothing to standard output.</param>
    /// <param name="cancellationToken">Kills the child.</param>
    /// <param name="onStderrLine">Receives every non-blank line of standard error (trimmed), on a thread-pool thread,
    /// before <see cref="WaitForExit"/> returns.</param>
    /// <exception cref="FFmpegNotFoundException">The program cannot be started.</exception>
    public static FFmpegProcess Start(string tool, IEnumerable<string> arguments, TimeSpan idleTimeout, CancellationToken cancellationToken,
        Action<string>? onStderrLine = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var psi = new ProcessStartInfo(tool)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // An inherited console stdin would let ffmpeg read keystrokes (and block on a terminal).
            RedirectStandardInput = true,
            CreateNoWindow = true,
        };
        // Debian's ffmpeg links OpenBLAS (through its filters' dependencies), whose constructor starts one spinning
        // thread per extra core; ffmpeg never calls BLAS, so that thread only takes CPU from the decoders running
        // beside it (measured: 0.30 s of CPU for a KTH clip with it, 0.23 s without).
        psi.Environment["OPENBLAS_NUM_THREADS"] = "1";
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new FFmpegNotFoundException(tool, ex);
        }
        process.StandardInput.Close();
        var run = new FFmpegProcess(process, idleTimeout, onStderrLine, cancellationToken) { Tool = tool };
        process.ErrorDataReceived += run.OnStderr;
        process.BeginErrorReadLine();
        return run;
    }

    /// <summary>Process id of the child.</summary>
    public int Id => _process.Id;

    /// <summary>True once the idle timeout killed the child.</summary>
    public bool TimedOut => _watchdog.IsCancellationRequested && !_callerToken.IsCancellationRequested;

    /// <summary>
    /// Fills <paramref name="buffer"/> from the child's standard output; returns fewer bytes only at its end
    /// (which includes the child being killed).
    /// </summary>
    public int ReadFully(Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = _stdout.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
            _watchdog.CancelAfter(_idleTimeout);
        }
        return total;
    }

    /// <summary>Reads the child's standard output to its end as text.</summary>
    public string ReadAllText()
    {
        using var ms = new MemoryStream();
        var buffer = new byte[1 << 16];
        int n;
        while ((n = ReadFully(buffer)) > 0) ms.Write(buffer, 0, n);
        return System.Text.Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
    }

    /// <summary>
    /// Waits for the child to exit and returns its exit code; throws <see cref="OperationCanceledException"/>
    /// when the caller cancelled it.
    /// </summary>
    public int WaitForExit()
    {
        // The parameterless overload also waits for the last stderr line to be delivered.
        _process.WaitForExit();
        _callerToken.ThrowIfCancellationRequested();
        return _process.ExitCode;
    }

    /// <summary>The last lines the child wrote to standard error, joined by "; " (empty if none).</summary>
    public string StderrTail()
    {
        lock (_stderr) return string.Join("; ", _stderr);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _killOnCancel.Dispose();
        Kill();
        try
        {
            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        _watchdog.Dispose();
        _process.Dispose();
    }

    private void OnStderr(object sender, DataReceivedEventArgs e)
    {
        if (string.IsNullOrWhiteSpace(e.Data)) return;
        _onStderrLine?.Invoke(e.Data.Trim());
        lock (_stderr)
        {
            _stderr.Enqueue(e.Data.Trim());
            while (_stderr.Count > StderrLines) _stderr.Dequeue();
        }
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        catch (Win32Exception)
        {
            // Exiting while being killed.
        }
    }
}
