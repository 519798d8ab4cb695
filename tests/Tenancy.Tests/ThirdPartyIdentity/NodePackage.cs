using System.ComponentModel;
using System.Diagnostics;

namespace Tenancy.Tests.ThirdPartyIdentity;

/// <summary>
/// A Node.js package of the repository (a folder with <c>package.json</c> and a committed <c>package-lock.json</c>)
/// whose dependencies are installed with <c>npm ci</c> the first time a test needs them: CI installs them up front
/// (<c>.ci/run</c>), a developer's first test run does it here.
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

        var (exitCode, output) = await RunNpmCiAsync(directory, cancellationToken);
        if (exitCode != 0 || !IsInstalled(directory))
        {
            throw new InvalidOperationException($"npm ci in {directory} failed with exit code {exitCode}:{Environment.NewLine}{output}");
        }
    }

    /// <summary>The error for a missing <paramref name="program"/> (node or npm): what to install, not a bare Win32Exception.</summary>
    public static InvalidOperationException Missing(string program, Exception inner) => new(
        $"'{program}' was not found on PATH. The third-party identity tests run a real OpenID provider (node-oidc-provider, " +
        "tests/OidcProvider): install Node.js 20 or later with npm.",
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

    private static async Task<(int ExitCode, string Output)> RunNpmCiAsync(string directory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("npm")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["ci", "--no-audit", "--no-fund"])
        {
            start.ArgumentList.Add(argument);
        }

        Process npm;
        try
        {
            npm = Process.Start(start) ?? throw new InvalidOperationException("npm ci did not start.");
        }
        catch (Win32Exception e)
        {
            throw Missing("npm", e);
        }

        using (npm)
        {
            var stdout = npm.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = npm.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await npm.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                npm.Kill(entireProcessTree: true);
                throw new TimeoutException($"npm ci in {directory} did not finish in time.");
            }

            return (npm.ExitCode, await stdout + await stderr);
        }
    }
}
