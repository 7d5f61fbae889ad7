using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace VideoTransformers.Data.Loading;

/// <summary>
/// Builds the batches of one epoch, either inline or on background workers, and hands them to the consumer in
/// batch order whatever the workers' timing.
/// </summary>
/// <remarks>
/// Worker <c>w</c> builds batches <c>w, w + workers, …</c> into its own bounded channel, and the consumer reads the
/// channels round robin, as PyTorch's DataLoader does; the round robin is what makes the order deterministic, and the
/// bounds keep memory flat when training is slower than loading.
/// </remarks>
internal static class BatchPipeline
{
    private readonly record struct Outcome(Batch? Batch, Exception? Error);

    /// <summary>Yields <c>build(0) … build(count - 1)</c> in order.</summary>
    /// <param name="count">Batches in the epoch.</param>
    /// <param name="build">Builds one batch; throws <see cref="DataLoaderException"/> on bad samples.</param>
    /// <param name="workers">Background workers; 0 builds on the consumer's thread.</param>
    /// <param name="prefetch">Finished batches that may wait for the consumer, spread over the workers.</param>
    /// <param name="token">Stops the workers and the enumeration.</param>
    public static IEnumerable<Batch> Run(int count, Func<int, CancellationToken, Batch> build, int workers, int prefetch, CancellationToken token)
    {
        if (workers == 0)
        {
            for (int b = 0; b < count; b++)
            {
                token.ThrowIfCancellationRequested();
                yield return build(b, token);
            }
            yield break;
        }

        workers = Math.Min(workers, Math.Max(1, count));
        int capacity = Math.Max(1, (prefetch + workers - 1) / workers);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
        var channels = new Channel<Outcome>[workers];
        var tasks = new Task[workers];
        for (int w = 0; w < workers; w++)
            channels[w] = Channel.CreateBounded<Outcome>(new BoundedChannelOptions(capacity)
            {
                SingleReader = true,
                SingleWriter = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
        try
        {
            for (int w = 0; w < workers; w++)
            {
                int worker = w;
                // Dedicated threads: the workers block on native work and on full channels, which would starve the pool.
                tasks[w] = Task.Factory.StartNew(() => Work(worker, workers, count, build, channels[worker].Writer, cts.Token),
                    CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }
            for (int b = 0; b < count; b++)
            {
                var outcome = Read(channels[b % workers].Reader, cts.Token);
                if (outcome.Error is not null) ExceptionDispatchInfo.Capture(outcome.Error).Throw();
                yield return outcome.Batch!;
            }
        }
        finally
        {
            // Early exit, an error or cancellation: stop the workers, then free what they made but nobody took.
            cts.Cancel();
            foreach (var t in tasks)
            {
                if (t is null) continue;
                try { t.Wait(); }
                catch (AggregateException) { }
            }
            foreach (var c in channels)
                while (c.Reader.TryRead(out var o)) o.Batch?.Dispose();
        }
    }

    private static Outcome Read(ChannelReader<Outcome> reader, CancellationToken token)
    {
        try
        {
            return reader.ReadAsync(token).AsTask().GetAwaiter().GetResult();
        }
        catch (ChannelClosedException)
        {
            // A worker only closes its channel early when it was cancelled.
            token.ThrowIfCancellationRequested();
            throw new InvalidOperationException("A loader worker stopped without producing its batch.");
        }
    }

    private static void Work(int worker, int workers, int count, Func<int, CancellationToken, Batch> build, ChannelWriter<Outcome> writer, CancellationToken token)
    {
        try
        {
            for (int b = worker; b < count && !token.IsCancellationRequested; b += workers)
            {
                Outcome outcome;
                try
                {
                    outcome = new Outcome(build(b, token), null);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    outcome = new Outcome(null, e);
                }
                try
                {
                    if (!writer.TryWrite(outcome)) writer.WriteAsync(outcome, token).AsTask().GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                    outcome.Batch?.Dispose();
                    return;
                }
                if (outcome.Error is not null) return;
            }
        }
        finally
        {
            writer.TryComplete();
        }
    }
}
