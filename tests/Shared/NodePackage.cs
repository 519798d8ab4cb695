using System.ComponentModel;
using System.Diagnostics;

namespace Tests.Shared;

/// <summary>
/// A Node.js package of the repository (a folder with <c>package.json</c> and a committed <c>package-lock.json</c>)
/// whose dependencies are installed with <c>npm ci</c> the first time a test needs them: CI installs them up front
/// (<c>.ci/run</c>), a developer's first test run does it here. Shared by the test projects that run one
/// (<c>tests/OidcProvider</c> in Tenancy.Tests, <c>tests/OpenApiLint</c> in WebHost.Tests), linked into each.
/// </summary>
internal static class NodePackage
{
    /// <summary>
    /// Runs <c>npm ci</c> in <paramref name="directory"/> unless its installed dependencies are at least as new as its
    /// lock file. A lock file next to <c>package.json</c> makes test classes (and test processes) that start at once
    /// install once: npm ci deletes <c>node_modules</c> first, so a second run would pull it from under the first.
    /// </summary>
    public static async Task EnsureInstalledAsync(string directory, CancellationToken cancellationToken)
    {
        if (IsInstalled(directory))
        {
            return;
        }

        await using var installLock = await AcquireInstallLockAsync(directory, cancellationToken);
        if (IsInstalled(directory))
        {
            return;
        }

        var npm = await RunAsync("npm", directory, ["ci", "--no-audit", "--no-fund"], new Dictionary<string, string>(), cancellationToken);
        if (npm.ExitCode != 0 || !IsInstalled(directory))
        {
            throw new InvalidOperationException($"npm ci in {directory} failed with exit code {npm.ExitCode}:{Environment.NewLine}{npm.StandardOutput}{npm.StandardError}");
        }
    }

    /// <summary>
    /// Runs one of the package's installed commands (<c>node node_modules/.bin/<paramref name="command"/></c>, what
    /// <c>npx</c> would find) in <paramref name="directory"/> to its end: its exit code and what it printed.
    /// </summary>
    public static Task<NodeRun> RunCommandAsync(
        string directory, string command, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken) =>
        RunAsync("node", directory, [Path.Combine("node_modules", ".bin", command), .. arguments], environment, cancellationToken);

    /// <summary>The error for a missing <paramref name="program"/> (node or npm): what to install, not a bare Win32Exception.</summary>
    public static InvalidOperationException Missing(string program, Exception inner) => new(
        $"'{program}' was not found on PATH. Tests that run this repository's Node.js packages (the OpenID provider in " +
        "tests/OidcProvider, the OpenAPI linter in tests/OpenApiLint) need Node.js 20 or later with npm.",
        inner);

    // npm writes node_modules/.package-lock.json last, so it marks a complete install; older than the committed lock
    // file means the dependencies changed since (a pull, a branch switch).
    private static bool IsInstalled(string directory)
    {
        var installed = new FileInfo(Path.Combine(directory, "node_modules", ".package-lock.json"));
        var locked = new FileInfo(Path.Combine(directory, "package-lock.json"));
        return installed.Exists && installed.LastWriteTimeUtc >= locked.LastWriteTimeUtc;
    }

    private static async Task<FileStream> AcquireInstallLockAsync(string directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, ".npm-ci.lock");
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive lock on the file, between threads and between processes.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
    }

    private static async Task<NodeRun> RunAsync(
        string program, string directory, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        }
        catch (Win32Exception e)
        {
            throw Missing(program, e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} {string.Join(' ', arguments)} in {directory} did not finish in time.");
            }

            return new NodeRun(process.ExitCode, await stdout, await stderr);
        }
    }
}

/// <summary>How a command of a Node.js package ended.</summary>
internal sealed record NodeRun(int ExitCode, string StandardOutput, string StandardError);
