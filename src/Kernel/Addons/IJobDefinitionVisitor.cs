namespace Kernel.Addons;

/// <summary>
/// Receives a <see cref="JobDefinition"/> with its payload type as a type argument (<see cref="JobDefinition.Accept{TResult}"/>),
/// so code above the declarations (the job runner) works with the typed definition without a cast or reflection.
/// </summary>
/// <typeparam name="TResult">What the visit returns.</typeparam>
internal interface IJobDefinitionVisitor<out TResult>
{
    TResult Visit<TPayload>(JobDefinition<TPayload> definition);
}
