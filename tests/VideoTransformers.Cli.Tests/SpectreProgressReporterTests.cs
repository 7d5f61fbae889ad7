using FluentAssertions;
using Spectre.Console;
using VideoTransformers.Training.Runs;
using Xunit;

namespace VideoTransformers.Cli.Tests;

public class SpectreProgressReporterTests
{
    private static TrainingProgress Report(TrainingPhase phase, int epoch, int step) =>
        new(phase, epoch, 10, step, 4, (epoch - 1) * 4 + step, 40, 0.43127, 0.875, 3e-4, 412.4, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(3725));

    [Fact]
    public void Lines_show_loss_accuracy_rate_throughput_and_eta()
    {
        SpectreProgressReporter.Describe(Report(TrainingPhase.Train, 3, 2))
            .Should().Be("Epoch 3/10 train  loss 0.4313  acc 87.5%  lr 3.0e-04  412 clips/s");
        SpectreProgressReporter.Describe(Report(TrainingPhase.Validate, 3, 1))
            .Should().Be("Epoch 3/10 validate  loss 0.4313  acc 87.5%  412 clips/s");
        SpectreProgressReporter.DescribeRun(Report(TrainingPhase.Train, 3, 2)).Should().Be("Training  step 10/40  ETA 01:02:05");
    }

    [Fact]
    public void Run_draws_the_reports_and_returns_the_work_result()
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(writer),
        });

        var result = SpectreProgressReporter.Run(progress =>
        {
            for (var epoch = 1; epoch <= 2; epoch++)
            for (var step = 1; step <= 4; step++)
                progress.Report(Report(TrainingPhase.Train, epoch, step));
            progress.Report(Report(TrainingPhase.Test, 2, 1));
            return 42;
        }, console);

        result.Should().Be(42);
        // A non-interactive console prints the tasks' final state (live redraws need a terminal).
        writer.ToString().Should().Contain("Training  step 5/40  ETA 01:02:05").And.Contain("Test  loss 0.4313  acc 87.5%");
    }
}
