using System.Globalization;
using Spectre.Console;
using VideoTransformers.Training.Runs;

namespace VideoTransformers.Cli;

/// <summary>
/// Draws <see cref="TrainingProgress"/> reports as Spectre.Console progress bars: one for the whole run (with the ETA),
/// one per epoch (loss, accuracy, learning rate, clips/s) and one per evaluation. Use <see cref="Run{T}"/> to wrap a
/// <see cref="Trainer.Fit"/> call; reports may come from any thread.
/// </summary>
public sealed class SpectreProgressReporter : IProgress<TrainingProgress>
{
    private readonly ProgressContext _context;
    private readonly object _gate = new();
    private ProgressTask? _overall;
    private ProgressTask? _phase;
    private (TrainingPhase Phase, int Epoch)? _phaseKey;

    /// <summary>Creates a reporter that adds its tasks to a running Spectre progress display.</summary>
    public SpectreProgressReporter(ProgressContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
    }

    /// <summary>
    /// Shows a progress display on <paramref name="console"/> (the default console when null) while
    /// <paramref name="work"/> runs with a reporter, and returns its result.
    /// </summary>
    public static T Run<T>(Func<IProgress<TrainingProgress>, T> work, IAnsiConsole? console = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        var display = new Spectre.Console.Progress(console ?? AnsiConsole.Console)
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn());
        return display.Start(ctx => work(new SpectreProgressReporter(ctx)));
    }

    /// <inheritdoc />
    public void Report(TrainingProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            if (value.TotalSteps > 0)
            {
                _overall ??= _context.AddTask("Training", maxValue: value.TotalSteps);
                _overall.MaxValue = value.TotalSteps;
                _overall.Value = value.GlobalStep;
                _overall.Description = Markup.Escape(DescribeRun(value));
            }
            var key = (value.Phase, value.Epoch);
            if (_phase is null || _phaseKey != key)
            {
                if (_phase is not null)
                {
                    _phase.Value = _phase.MaxValue;
                    _phase.StopTask();
                }
                _phase = _context.AddTask(Markup.Escape(Describe(value)), maxValue: Math.Max(1, value.Steps));
                _phaseKey = key;
            }
            _phase.MaxValue = Math.Max(1, value.Steps);
            _phase.Value = value.Step;
            _phase.Description = Markup.Escape(Describe(value));
        }
    }

    /// <summary>The line of one epoch or evaluation, e.g. <c>Epoch 3/10 train  loss 0.4312  acc 87.5%  lr 3.0e-04  412 clips/s</c>.</summary>
    public static string Describe(TrainingProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var c = CultureInfo.InvariantCulture;
        var phase = p.Phase switch
        {
            TrainingPhase.Train => "train",
            TrainingPhase.Validate => "validate",
            _ => "test",
        };
        var head = p.Phase == TrainingPhase.Test ? "Test" : $"Epoch {p.Epoch.ToString(c)}/{p.Epochs.ToString(c)} {phase}";
        var lr = p.Phase == TrainingPhase.Train ? $"  lr {p.LearningRate.ToString("0.0e+00", c)}" : "";
        return $"{head}  loss {p.Loss.ToString("F4", c)}  acc {(p.Accuracy * 100).ToString("F1", c)}%{lr}  {p.ClipsPerSecond.ToString("F0", c)} clips/s";
    }

    /// <summary>The line of the whole run, e.g. <c>Training  step 120/400  ETA 00:03:12</c>.</summary>
    public static string DescribeRun(TrainingProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var c = CultureInfo.InvariantCulture;
        var eta = p.Eta is { } e ? $"  ETA {((long)e.TotalHours).ToString("00", c)}:{e.Minutes.ToString("00", c)}:{e.Seconds.ToString("00", c)}" : "";
        return $"Training  step {p.GlobalStep.ToString(c)}/{p.TotalSteps.ToString(c)}{eta}";
    }
}
