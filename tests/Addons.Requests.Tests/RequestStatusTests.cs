namespace Addons.Requests.Tests;

public sealed class RequestStatusTests
{
    [Theory]
    [InlineData("open", "in_progress", true)]
    [InlineData("open", "cancelled", true)]
    [InlineData("in_progress", "resolved", true)]
    [InlineData("in_progress", "cancelled", true)]
    [InlineData("open", "resolved", false)]
    [InlineData("open", "open", false)]
    [InlineData("in_progress", "open", false)]
    [InlineData("resolved", "open", false)]
    [InlineData("resolved", "cancelled", false)]
    [InlineData("cancelled", "open", false)]
    [InlineData("cancelled", "in_progress", false)]
    public void Only_the_workflow_moves_are_allowed_and_final_states_stay_final(string from, string to, bool allowed) =>
        Assert.Equal(allowed, RequestStatus.CanMove(from, to));
}
