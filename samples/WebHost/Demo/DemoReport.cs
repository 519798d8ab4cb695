namespace WebHost.Demo;

/// <summary>The demo's printed report: one line per step, and whether every step held.</summary>
internal sealed class DemoReport(TextWriter output)
{
    private int _passed;
    private int _failed;

    public bool AllPassed => _failed == 0 && _passed > 0;

    public void Section(string title) => output.WriteLine($"{Environment.NewLine}== {title}");

    public void Check(string step, bool held, string detail)
    {
        if (held)
        {
            _passed++;
        }
        else
        {
            _failed++;
        }

        output.WriteLine($"  [{(held ? "ok" : "FAIL")}] {step} — {detail}");
    }

    public void Summary() =>
        output.WriteLine($"{Environment.NewLine}{_passed} step(s) held, {_failed} failed: {(AllPassed ? "DEMO PASSED" : "DEMO FAILED")}");
}
