using Kernel.Errors;
using Npgsql;

namespace Kernel.Tests.Limits;

/// <summary>Values PostgreSQL cannot take are the caller's fault: 400 in the envelope, not 500.</summary>
public sealed class ErrorMapperTests
{
    [Theory]
    [InlineData(PostgresErrorCodes.CharacterNotInRepertoire)]
    [InlineData(PostgresErrorCodes.UntranslatableCharacter)]
    [InlineData(PostgresErrorCodes.NumericValueOutOfRange)]
    [InlineData(PostgresErrorCodes.DatetimeFieldOverflow)]
    [InlineData(PostgresErrorCodes.InvalidTextRepresentation)]
    [InlineData(PostgresErrorCodes.ProgramLimitExceeded)]
    public void A_value_postgres_cannot_store_is_400(string sqlState)
    {
        var error = ErrorMapper.Map(new PostgresException("invalid byte sequence for encoding \"UTF8\": 0x00", "ERROR", "ERROR", sqlState), out var unexpected);

        Assert.Equal(400, error.Status);
        Assert.Equal(KernelErrorCodes.ValidationFailed, error.Code);
        Assert.DoesNotContain("0x00", error.Message, StringComparison.Ordinal);
        Assert.False(unexpected);
    }
}
