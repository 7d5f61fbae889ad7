using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Torch.Tests;

/// <summary>
/// The test assembly's own entry point (the test host never calls it): <c>dotnet VideoTransformers.Torch.Tests.dll
/// --child NAME</c> runs one TorchSharp call that is known to abort the process, so that <see cref="CanaryTests"/>
/// can watch it die in a child instead of taking the test run down.
/// </summary>
public static class Program
{
    /// <summary>The calls, by name. "ok" is the control: same start-up, no fatal call.</summary>
    public static readonly IReadOnlyDictionary<string, Action> Children = new Dictionary<string, Action>
    {
        ["ok"] = () => Console.WriteLine(ones(2, 3).matmul(ones(3, 4)).sum().ToDouble()),
        ["matmul-mismatch"] = () => ones(2, 3).matmul(ones(4, 5)),
        ["set-num-threads-0"] = () => set_num_threads(0),
        ["grad-of-output-without-grad"] = () => autograd.grad([ones(3).sum()], [ones([3], requires_grad: true)]),
        ["grad-of-unused-input"] = () =>
        {
            var x = ones([3], requires_grad: true);
            autograd.grad([(x * 2).sum()], [x, ones([3], requires_grad: true)]);
        },
        ["grad-output-shape-mismatch"] = () =>
        {
            var x = ones([3], requires_grad: true);
            autograd.grad([x * 2], [x], [ones(4)]);
        },
    };

    public static int Main(string[] args)
    {
        if (args.Length != 2 || args[0] != "--child" || !Children.TryGetValue(args[1], out var child))
        {
            Console.Error.WriteLine($"usage: --child {string.Join("|", Children.Keys)}");
            return 2;
        }
        Console.WriteLine("child started");
        Console.Out.Flush();
        child();
        Console.WriteLine("child survived");
        return 0;
    }
}
