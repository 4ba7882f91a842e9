using System.Globalization;

namespace MemTrack.Tests.TestSupport;

/// <summary>
/// What the current process holds, read from Linux's /proc: threads (and those MemTrack named), file descriptors,
/// sockets and which of them listen, resident memory. Callers check <see cref="Available"/> first.
/// </summary>
internal static class ProcessResources
{
    /// <summary>Whether /proc describes this process (Linux).</summary>
    public static bool Available => OperatingSystem.IsLinux() && Directory.Exists("/proc/self/task");

    /// <summary>Threads of the process.</summary>
    public static int ThreadCount => Directory.GetDirectories("/proc/self/task").Length;

    /// <summary>Worker threads of the thread pool (".NET TP Worker"), which the pool adds and retires by itself.</summary>
    public static int PoolWorkerCount => ThreadNameList().Count(name => name == ".NET TP Worker");

    /// <summary>Open file descriptors of the process.</summary>
    public static int DescriptorCount => Directory.GetFiles("/proc/self/fd").Length;

    /// <summary>Resident set size in bytes (VmRSS).</summary>
    public static long ResidentBytes
    {
        get
        {
            string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
    }

    /// <summary>The threads of the process by name (the OS keeps 15 characters), e.g. ".NET TP Worker x4".</summary>
    public static string ThreadNames() =>
        string.Join(", ", ThreadNameList().GroupBy(name => name).OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => group.Count() == 1 ? group.Key : $"{group.Key} x{group.Count()}"));

    /// <summary>
    /// Names of the live threads that MemTrack started (the OS keeps 15 characters of a thread's name: "MemTrack reader",
    /// "MemTrack sessio" for the session start and stop threads, "MemTrack exit r").
    /// </summary>
    public static IReadOnlyList<string> MemTrackThreads()
    {
        return [.. ThreadNameList().Where(name => name.StartsWith("MemTrack", StringComparison.Ordinal))];
    }

    /// <summary>Waits up to <paramref name="timeout"/> until no MemTrack thread is left; returns those still there.</summary>
    public static IReadOnlyList<string> WaitForNoMemTrackThreads(TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            IReadOnlyList<string> left = MemTrackThreads();
            if (left.Count == 0 || clock.Elapsed > timeout)
            {
                return left;
            }

            Thread.Sleep(20);
        }
    }

    /// <summary>Inodes of the sockets this process has open (from /proc/self/fd links <c>socket:[inode]</c>).</summary>
    public static HashSet<long> SocketInodes()
    {
        var inodes = new HashSet<long>();
        foreach (string fd in Directory.GetFiles("/proc/self/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(fd).LinkTarget;
            }
            catch (IOException)
            {
                continue; // closed meanwhile
            }

            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                inodes.Add(long.Parse(target["socket:[".Length..^1], CultureInfo.InvariantCulture));
            }
        }

        return inodes;
    }

    /// <summary>
    /// The endpoints this process listens on, one text per socket ("unix &lt;path&gt;", "tcp &lt;address&gt;", "udp
    /// &lt;address&gt;"): Unix sockets with the accepting flag in /proc/net/unix, TCP sockets in state LISTEN (0A) and
    /// unconnected UDP sockets (07) in /proc/net/tcp, tcp6, udp and udp6, whose inode is one of this process's sockets.
    /// </summary>
    public static SortedSet<string> ListeningEndpoints()
    {
        HashSet<long> own = SocketInodes();
        var endpoints = new SortedSet<string>(StringComparer.Ordinal);

        // Num RefCount Protocol Flags Type St Inode [Path]; flag 0x10000 is __SO_ACCEPTCON, a socket that listens.
        foreach (string line in File.ReadLines("/proc/net/unix").Skip(1))
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 7
                && (int.Parse(fields[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture) & 0x10000) != 0
                && own.Contains(long.Parse(fields[6], CultureInfo.InvariantCulture)))
            {
                endpoints.Add("unix " + (fields.Length > 7 ? fields[7] : "(unnamed) inode " + fields[6]));
            }
        }

        foreach ((string file, string protocol, string state) in new[] { ("tcp", "tcp", "0A"), ("tcp6", "tcp", "0A"), ("udp", "udp", "07"), ("udp6", "udp", "07") })
        {
            string path = "/proc/net/" + file;
            if (!File.Exists(path))
            {
                continue;
            }

            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
            foreach (string line in File.ReadLines(path).Skip(1))
            {
                string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length >= 10 && fields[3] == state && own.Contains(long.Parse(fields[9], CultureInfo.InvariantCulture)))
                {
                    endpoints.Add($"{protocol} {fields[1]}");
                }
            }
        }

        return endpoints;
    }

    private static IEnumerable<string> ThreadNameList()
    {
        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            if (ReadQuietly(Path.Combine(task, "comm")) is { } name)
            {
                yield return name.TrimEnd('\n');
            }
        }
    }

    private static string? ReadQuietly(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null; // the thread ended meanwhile
        }
    }
}
