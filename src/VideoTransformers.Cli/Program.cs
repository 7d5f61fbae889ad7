using System.Runtime.InteropServices;
using VideoTransformers.Cli;

const string Usage = """
    vt — VideoTransformers command line

    Commands:
      vt train     train a model on a dataset (see vt train --help)
      vt eval      evaluate a checkpoint (multi-view: --clips N --crops 1|3)
      vt predict   top-5 classes of one video
      vt report    the self-contained HTML page of a run folder (vt train writes it too)
      vt import-hf convert a Hugging Face ViViT/TimeSformer folder into a checkpoint
      vt info      frames, fps, size and codec of videos, as JSON (ffprobe)
      vt bench     time training or inference steps of a preset
      vt models    list the presets with parameters and FLOPs
      vt demo      the main job: FrameViT vs ViViT on the synthetic motion set

    Every command takes --help.
    """;

if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

var command = args[0];
var rest = args.Skip(1).ToArray();
try
{
    return command switch
    {
        "bench" => Commands.Run(rest, BenchCommand.Usage, new[] { "preset", "spec", "mode", "batch-size", "steps", "warmup", "threads", "megabytes", "precision" }, Array.Empty<string>(), BenchCommand.Run, positionals: 0),
        "info" => InfoCommand.Run(rest),
        // No libtorch: the page is made from the run folder's files.
        "report" => ReportCommand.Run(rest),
        "models" => Commands.Run(rest, ModelsCommand.Usage, new[] { "spec" }, new[] { "json" }, ModelsCommand.Run, positionals: 0),
        _ => Commands.Dispatch(command, rest) ?? throw new UsageException($"Unknown command '{command}'.\n\n{Usage}"),
    };
}
catch (VideoTransformers.Training.Runs.TrainingDivergedException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    if (e.LastGoodCheckpoint is not null) Console.Error.WriteLine($"The last good checkpoint is kept: {e.LastGoodCheckpoint}");
    return 3;
}
catch (VideoTransformers.Training.Configuration.ConfigException e)
{
    // A bad config file is a usage error: say which file, line and key, without a stack trace.
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}
catch (VideoTransformers.Data.Video.FFmpegNotFoundException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
catch (UsageException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}
catch (NativeLoadException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
catch (ExternalException e)
{
    // libtorch's errors (TorchSharp raises them as ExternalException) carry a C++ backtrace: the message alone is shown.
    Console.Error.WriteLine($"error: {NativeErrors.Describe(e)}");
    return 1;
}
catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or NotSupportedException or KeyNotFoundException or DllNotFoundException
                           or VideoTransformers.Training.Distributed.Mpi.MpiException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
