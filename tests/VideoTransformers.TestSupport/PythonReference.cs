using VideoTransformers.Torch.Serialization;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VideoTransformers.Torch;
using Xunit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.TestSupport;

/// <summary>Thrown when the PyTorch reference reports an error; the message carries the Python traceback.</summary>
public sealed class PythonReferenceException(string message) : Exception(message);

/// <summary>
/// A client of <c>tests/python/reference_server.py</c>: one long-lived Python process with PyTorch that runs named
/// reference cases (registered in <c>tests/python/cases_*.py</c>) on tensors we send, so that tests can compare our
/// results and gradients with PyTorch's. Tensors travel as safetensors files (our writer, the numpy reader of
/// <c>safetensors_np.py</c>, and back). The process starts on the first <see cref="Run(string, IDictionary{string, Tensor}, object?)"/>
/// and stops when this object is disposed.
/// <para>
/// The interpreter is <c>VT_PYTHON</c> when set, else <c>/usr/bin/python3</c> (Debian's, which has torch 1.13). When it
/// or its torch is missing the test is skipped, or fails when <c>CI=true</c>.
/// </para>
/// </summary>
public class PythonReference : IDisposable
{
    /// <summary>Prefix of upstream-gradient inputs: "grad_out:&lt;output&gt;".</summary>
    public const string GradOutPrefix = "grad_out:";

    private static readonly Lazy<(string? Path, string Problem)> Interpreter = new(Probe);
    private readonly object _gate = new();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "vt-pyref-" + Guid.NewGuid().ToString("N"));
    private readonly StringBuilder _stderr = new();
    private Process? _process;
    private string? _startFailure;
    private int _requests;
    private bool _disposed;

    /// <summary>How long one request may take before the process is considered hung and killed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(180);

    /// <summary>The PyTorch version of the reference (starts the process if needed).</summary>
    public string TorchVersion { get; private set; } = "";

    /// <summary>The reference script.</summary>
    public static string ScriptPath => Path.Combine(SharedData.RepoRoot, "tests", "python", "reference_server.py");

    /// <summary>
    /// Returns the interpreter path, or skips the test (fails it under CI) when no Python with torch and numpy exists.
    /// </summary>
    public static string RequirePython()
    {
        var (path, problem) = Interpreter.Value;
        if (path != null) return path;
        var msg = "No Python with torch: " + problem + " Install python3-torch (./build.sh deps) or set VT_PYTHON.";
        if (SharedData.IsCI) throw new InvalidOperationException("CI=true and " + msg);
        Skip.If(true, msg);
        return "";
    }

    /// <summary>Runs a case on <paramref name="inputs"/> with JSON-serialisable <paramref name="args"/>; returns its outputs.</summary>
    public Dictionary<string, Tensor> Run(string @case, IDictionary<string, Tensor> inputs, object? args = null) =>
        Run(@case, inputs, args, gradInputs: null);

    /// <summary>
    /// Runs a case and, for every input named "grad_out:&lt;output&gt;" (an upstream gradient) and every input in
    /// <paramref name="gradInputs"/>, also returns "grad:&lt;output&gt;:&lt;input&gt;", PyTorch's gradient of that
    /// output with respect to that input (absent when the output does not depend on it). The returned tensors
    /// belong to the current dispose scope.
    /// </summary>
    public Dictionary<string, Tensor> Run(string @case, IDictionary<string, Tensor> inputs, object? args, IEnumerable<string>? gradInputs)
    {
        RequirePython();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            EnsureStarted();
            var n = ++_requests;
            var input = Path.Combine(_dir, $"{n}-in.safetensors");
            var output = Path.Combine(_dir, $"{n}-out.safetensors");
            try
            {
                SafeTensors.save(inputs, input);
                var request = new JsonObject
                {
                    ["case"] = @case,
                    ["input"] = input,
                    ["output"] = output,
                    ["args"] = args == null ? new JsonObject() : JsonSerializer.SerializeToNode(args),
                    ["grad"] = new JsonArray((gradInputs ?? []).Select(g => (JsonNode?)JsonValue.Create(g)).ToArray()),
                };
                using var reply = Exchange(request.ToJsonString(), @case);
                var root = reply.RootElement;
                if (!root.GetProperty("ok").GetBoolean())
                    throw new PythonReferenceException($"PyTorch reference case '{@case}' failed:\n{root.GetProperty("error").GetString()}");
                return SafeTensors.load(output);
            }
            finally
            {
                File.Delete(input);
                File.Delete(output);
            }
        }
    }

    private void EnsureStarted()
    {
        if (_startFailure != null) throw new PythonReferenceException(_startFailure);
        if (_process != null) return;
        Directory.CreateDirectory(_dir);
        var psi = new ProcessStartInfo(RequirePython())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add("-u");
        psi.ArgumentList.Add(ScriptPath);
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        psi.Environment["OPENBLAS_NUM_THREADS"] = "1";
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start " + psi.FileName);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            lock (_stderr)
            {
                if (_stderr.Length < 200_000) _stderr.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        _process = process;
        try
        {
            using var hello = ReadReply("start-up");
            if (!hello.RootElement.GetProperty("ok").GetBoolean())
                throw new PythonReferenceException("The PyTorch reference could not load its cases:\n" + hello.RootElement.GetProperty("error").GetString());
            TorchVersion = hello.RootElement.GetProperty("torch").GetString() ?? "";
        }
        catch (Exception e)
        {
            _startFailure = e.Message;
            Stop();
            throw;
        }
    }

    private JsonDocument Exchange(string line, string what)
    {
        var p = _process!;
        try
        {
            p.StandardInput.WriteLine(line);
            p.StandardInput.Flush();
        }
        catch (IOException e)
        {
            var msg = $"The PyTorch reference process died before case '{what}':\n{Stderr()}";
            Stop();
            throw new PythonReferenceException(msg + "\n" + e.Message);
        }
        return ReadReply(what);
    }

    private JsonDocument ReadReply(string what)
    {
        var p = _process!;
        var read = p.StandardOutput.ReadLineAsync();
        if (!read.Wait(Timeout))
        {
            var msg = $"The PyTorch reference did not answer '{what}' within {Timeout.TotalSeconds:F0} s; killed it.\n{Stderr()}";
            Stop();
            throw new PythonReferenceException(msg);
        }
        var line = read.Result;
        if (line == null)
        {
            p.WaitForExit(5000);
            var msg = $"The PyTorch reference exited (code {(p.HasExited ? p.ExitCode.ToString() : "?")}) while handling '{what}':\n{Stderr()}";
            Stop();
            throw new PythonReferenceException(msg);
        }
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            var msg = $"The PyTorch reference wrote a line that is not JSON while handling '{what}': {line}\n{Stderr()}";
            Stop();
            throw new PythonReferenceException(msg + "\n" + e.Message);
        }
    }

    private string Stderr()
    {
        Thread.Sleep(100); // let the asynchronous reader catch up with a dying process
        lock (_stderr) return _stderr.Length == 0 ? "(no stderr)" : "stderr:\n" + _stderr;
    }

    private void Stop()
    {
        var p = _process;
        _process = null;
        if (p == null) return;
        try
        {
            if (!p.HasExited)
            {
                p.StandardInput.Close(); // end of input: the server exits on its own
                if (!p.WaitForExit(5000)) p.Kill();
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            // already gone
        }
        p.Dispose();
    }

    private static (string? Path, string Problem) Probe()
    {
        var candidate = Environment.GetEnvironmentVariable("VT_PYTHON");
        if (string.IsNullOrEmpty(candidate)) candidate = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        try
        {
            var psi = new ProcessStartInfo(candidate)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("import torch, numpy");
            using var p = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start " + candidate);
            var err = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 ? (candidate, "") : (null, $"'{candidate} -c \"import torch, numpy\"' failed: {err.Result.Trim()}");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return (null, $"'{candidate}' cannot be started ({e.Message}).");
        }
    }

    /// <summary>Stops the process and removes its temporary files.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            Stop();
            try
            {
                if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
            }
            catch (IOException)
            {
                // best effort
            }
        }
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// The xunit collection fixture holding one <see cref="PythonReference"/> per test collection. xunit only discovers
/// collection definitions in the test assembly itself, so each test project declares (once):
/// <code>
/// [CollectionDefinition(PythonReferenceFixture.Collection)]
/// public sealed class PythonReferenceCollection : ICollectionFixture&lt;PythonReferenceFixture&gt;;
/// </code>
/// and marks its parity test classes with <c>[Collection(PythonReferenceFixture.Collection)]</c>, taking the fixture
/// in their constructor.
/// </summary>
public sealed class PythonReferenceFixture : PythonReference
{
    /// <summary>The collection name to use in <c>[CollectionDefinition]</c> and <c>[Collection]</c>.</summary>
    public const string Collection = "PyTorch reference";
}
