using System.Globalization;

namespace VideoTransformers.Torch;

/// <summary>
/// Where and how a process joins a <see cref="ProcessGroup"/>: the rendezvous address (rank 0 hosts a c10d TCPStore
/// there), this process's rank, the number of ranks and the timeout of every blocking call.
/// </summary>
public sealed record ProcessGroupSettings
{
    /// <summary>The timeout used when none is configured: long enough for a slow validation pass on a peer, short enough that a dead peer is noticed.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The environment variable holding this process's rank (torchrun's name).</summary>
    public const string RankVariable = "RANK";
    /// <summary>The environment variable holding the number of ranks (torchrun's name).</summary>
    public const string WorldSizeVariable = "WORLD_SIZE";
    /// <summary>The environment variable holding the rendezvous host (torchrun's name).</summary>
    public const string MasterAddressVariable = "MASTER_ADDR";
    /// <summary>The environment variable holding the rendezvous port (torchrun's name).</summary>
    public const string MasterPortVariable = "MASTER_PORT";
    /// <summary>The environment variable holding the timeout in seconds (this project's own; optional).</summary>
    public const string TimeoutVariable = "VT_DIST_TIMEOUT_SECONDS";

    /// <summary>The host of the rendezvous store (rank 0's address as the other ranks reach it).</summary>
    public required string Host { get; init; }

    /// <summary>The TCP port of the rendezvous store on <see cref="Host"/>.</summary>
    public required int Port { get; init; }

    /// <summary>This process's rank, 0 ≤ rank &lt; <see cref="WorldSize"/>.</summary>
    public required int Rank { get; init; }

    /// <summary>The number of processes in the group.</summary>
    public required int WorldSize { get; init; }

    /// <summary>How long any blocking call (rendezvous, collective, barrier) waits before it fails.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid value.</summary>
    public void EnsureValid()
    {
        if (string.IsNullOrWhiteSpace(Host)) throw new ArgumentException("The rendezvous host is empty.", nameof(Host));
        if (Port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(Port), Port, "The rendezvous port must be in 1..65535.");
        if (WorldSize < 1) throw new ArgumentOutOfRangeException(nameof(WorldSize), WorldSize, "The world size must be at least 1.");
        if (Rank < 0 || Rank >= WorldSize) throw new ArgumentOutOfRangeException(nameof(Rank), Rank, $"The rank must be in 0..{WorldSize - 1} for a world size of {WorldSize}.");
        if (Timeout <= TimeSpan.Zero || Timeout.TotalMilliseconds > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "The timeout must be positive and below 24 days.");
    }

    /// <summary>
    /// Reads torchrun-style variables: <c>RANK</c>, <c>WORLD_SIZE</c>, <c>MASTER_ADDR</c>, <c>MASTER_PORT</c> (all
    /// required) and optionally <c>VT_DIST_TIMEOUT_SECONDS</c>.
    /// </summary>
    /// <param name="getVariable">Looks a variable up; defaults to the process environment (tests pass a dictionary).</param>
    /// <exception cref="ArgumentException">A variable is missing or not a number; the message names it.</exception>
    public static ProcessGroupSettings FromEnvironment(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        string Required(string name)
        {
            var v = getVariable(name);
            if (string.IsNullOrWhiteSpace(v))
                throw new ArgumentException($"The environment variable {name} is not set; distributed runs need {RankVariable}, {WorldSizeVariable}, {MasterAddressVariable} and {MasterPortVariable} (as torchrun sets them).");
            return v.Trim();
        }
        int Integer(string name)
        {
            var v = Required(name);
            return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)
                ? i
                : throw new ArgumentException($"The environment variable {name}='{v}' is not an integer.");
        }

        var timeout = DefaultTimeout;
        var t = getVariable(TimeoutVariable);
        if (!string.IsNullOrWhiteSpace(t))
        {
            if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !(seconds > 0))
                throw new ArgumentException($"The environment variable {TimeoutVariable}='{t}' is not a positive number of seconds.");
            timeout = TimeSpan.FromSeconds(seconds);
        }
        var settings = new ProcessGroupSettings
        {
            Host = Required(MasterAddressVariable),
            Port = Integer(MasterPortVariable),
            Rank = Integer(RankVariable),
            WorldSize = Integer(WorldSizeVariable),
            Timeout = timeout,
        };
        settings.EnsureValid();
        return settings;
    }

    /// <summary>Parses <c>HOST:PORT</c> (IPv6 hosts in brackets, e.g. <c>[::1]:29500</c>).</summary>
    /// <exception cref="FormatException">The text is not HOST:PORT.</exception>
    public static (string Host, int Port) ParseAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || colon == address.Length - 1)
            throw new FormatException($"'{address}' is not HOST:PORT (e.g. 127.0.0.1:29500).");
        var host = address[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        if (!int.TryParse(address[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new FormatException($"'{address}' does not end in a port number in 1..65535.");
        return (host, port);
    }
}
