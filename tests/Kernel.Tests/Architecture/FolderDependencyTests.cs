using System.Text;
using System.Text.RegularExpressions;
using Mono.Cecil;
using Xunit.Abstractions;
using MetadataTokens = System.Reflection.Metadata.Ecma335.MetadataTokens;
using Srm = System.Reflection.Metadata;

namespace Kernel.Tests.Architecture;

/// <summary>
/// The Kernel assembly's feature folders depend on each other one way, in the layer order of
/// docs/architecture.md ("Layers"). Dependencies are read from the compiled IL with Mono.Cecil (the engine
/// NetArchTest runs on): base types, interfaces, attributes, fields, properties, events, signatures, generic
/// constraints, locals, catch clauses and every type, method and field a method body names. A type's folder is
/// the folder of its source file, read from the assembly's portable PDB, so types in namespace <c>Kernel</c>
/// (and the DI extensions in Microsoft namespaces) count where their file is; nested and compiler-generated
/// types (lambdas, closures, state machines, logging structs) count as their outermost declaring type, and
/// source-generated helpers outside any folder (regex runners) as every type that uses them.
/// </summary>
public sealed partial class FolderDependencyTests(ITestOutputHelper output)
{
    /// <summary>
    /// The layers, lowest first; mirrors docs/architecture.md. A folder may depend on folders of lower layers and,
    /// without a cycle, on folders of its own layer; never on a higher one.
    /// </summary>
    internal static readonly string[][] Layers =
    [
        ["Context", "Errors", "Telemetry", "Configuration"],
        ["Data"],
        ["Addons"],
        ["Migrations", "Limits", "Audit", "Auth", "Tenants"],
        ["Routing", "Jobs"],
        ["Hosting"],
        ["Health", "OpenApi"],
    ];

    private static readonly Lazy<FolderGraph> Graph = new(FolderGraph.Build);

    [Fact]
    public void Folder_dependencies_have_no_cycle()
    {
        var graph = Graph.Value;
        output.WriteLine(graph.Describe());

        var cycles = graph.StronglyConnectedComponents().Where(component => component.Count > 1).ToList();
        var message = new StringBuilder();
        foreach (var component in cycles)
        {
            message.Append("Cycle: ").AppendJoin(" → ", graph.ShortestCycle(component)).AppendLine();
            foreach (var edge in graph.EdgesWithin(component))
            {
                message.Append("  ").Append(edge.From).Append(" → ").Append(edge.To).AppendLine(":");
                foreach (var reference in edge.References)
                {
                    message.Append("    ").AppendLine(reference);
                }
            }
        }

        Assert.True(cycles.Count == 0, message.ToString());
    }

    [Fact]
    public void No_folder_depends_on_a_higher_layer()
    {
        var graph = Graph.Value;
        var layerOf = LayerIndex();
        var message = new StringBuilder();
        foreach (var edge in graph.Edges.Where(edge => layerOf[edge.To] > layerOf[edge.From]))
        {
            message.Append(edge.From).Append(" (layer ").Append(layerOf[edge.From] + 1).Append(") → ")
                .Append(edge.To).Append(" (layer ").Append(layerOf[edge.To] + 1).AppendLine("):");
            foreach (var reference in edge.References)
            {
                message.Append("    ").AppendLine(reference);
            }
        }

        Assert.True(message.Length == 0, "Dependencies against the layer order:\n" + message);
    }

    [Fact]
    public void Every_type_sits_in_a_declared_folder_that_matches_its_namespace()
    {
        var graph = Graph.Value;
        var declared = LayerIndex();
        var problems = new List<string>();
        foreach (var (type, folder) in graph.FolderOfType.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (!declared.ContainsKey(folder))
            {
                problems.Add($"{type} is in folder '{folder}', which no layer declares");
                continue;
            }

            // Kernel.<Folder>[.<Sub>] must be in <Folder>/; namespace Kernel and the Microsoft DI/builder namespaces
            // (public entry points) may be in any folder.
            var ns = graph.NamespaceOfType[type];
            if (ns.StartsWith("Kernel.", StringComparison.Ordinal))
            {
                var namespaceFolder = ns["Kernel.".Length..].Split('.')[0];
                if (namespaceFolder != folder)
                {
                    problems.Add($"{type} is in folder '{folder}' but namespace '{ns}'");
                }
            }
            else if (ns is not ("Kernel" or "Microsoft.Extensions.DependencyInjection" or "Microsoft.AspNetCore.Builder"))
            {
                problems.Add($"{type} has namespace '{ns}'");
            }
        }

        foreach (var (type, folders) in graph.TypesInSeveralFolders)
        {
            problems.Add($"{type} has source files in several folders: {string.Join(", ", folders)}");
        }

        Assert.True(graph.FolderOfType.Count > 100, "too few types were attributed to folders; is Kernel.pdb next to Kernel.dll?");
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void The_layers_are_the_ones_docs_architecture_md_declares()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Kernel.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Kernel.sln not found above the test's directory.");
        }

        // The "Layers" section lists one layer per line, lowest first: "- **Layer 1**: `Context`, `Errors`, `Telemetry` — …".
        var documented = File.ReadAllLines(Path.Combine(root, "docs", "architecture.md"))
            .Select(line => LayerLine().Match(line))
            .Where(match => match.Success)
            .Select(match => BacktickedName().Matches(match.Groups["folders"].Value).Select(name => name.Groups[1].Value).ToArray())
            .ToArray();

        Assert.Equal(Layers.Select(layer => string.Join(", ", layer)), documented.Select(layer => string.Join(", ", layer)));
    }

    private static Dictionary<string, int> LayerIndex() =>
        Layers.SelectMany((folders, index) => folders.Select(folder => (folder, index)))
            .ToDictionary(pair => pair.folder, pair => pair.index, StringComparer.Ordinal);

    [GeneratedRegex(@"^- \*\*Layer \d+\*\*: (?<folders>`\w+`(, `\w+`)*)")]
    private static partial Regex LayerLine();

    [GeneratedRegex(@"`(\w+)`")]
    private static partial Regex BacktickedName();

    internal sealed record Edge(string From, string To, IReadOnlyList<string> References);

    internal sealed class FolderGraph
    {
        private const string KernelSourceSegment = "/src/Kernel/";
        private static readonly Guid TypeDefinitionDocumentsKind = new("932E74BC-DBA9-4478-8D46-0F32A7BAB3D3");

        public Dictionary<string, string> FolderOfType { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> NamespaceOfType { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, IReadOnlyList<string>> TypesInSeveralFolders { get; } = new(StringComparer.Ordinal);

        public List<Edge> Edges { get; } = [];

        /// <summary>Top-level types with no source file in a folder (compiler- and source-generated helpers).</summary>
        public List<string> WithoutFolder { get; } = [];

        public static FolderGraph Build()
        {
            var assemblyPath = typeof(KernelContext).Assembly.Location;
            var pdbPath = Path.ChangeExtension(assemblyPath, ".pdb");
            using var module = ModuleDefinition.ReadModule(assemblyPath, new ReaderParameters { ReadSymbols = false });
            var documents = ReadSourceDocuments(pdbPath, module);
            var graph = new FolderGraph();

            // Outermost declaring type of every type definition, and its source folders.
            var topLevel = module.Types.ToList();
            var folderOf = new Dictionary<TypeDefinition, string>();
            foreach (var type in topLevel)
            {
                var folders = AllNested(type)
                    .SelectMany(nested => documents.TryGetValue(nested, out var paths) ? paths : [])
                    .Select(FolderOfDocument)
                    .OfType<string>()
                    .Distinct(StringComparer.Ordinal)
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (folders.Count == 0)
                {
                    graph.WithoutFolder.Add(type.FullName);
                    continue; // <Module>, compiler-emitted attributes, source-generated helpers: see Transparent.
                }

                if (folders.Count > 1)
                {
                    graph.TypesInSeveralFolders[type.FullName] = folders;
                }

                folderOf[type] = folders[0];
                graph.FolderOfType[type.FullName] = folders[0];
                graph.NamespaceOfType[type.FullName] = type.Namespace;
            }

            // Direct references of each top-level type (its nested types included) to other top-level types.
            var references = topLevel.ToDictionary(type => type, type => ReferencedTopLevelTypes(type, module));

            var edges = new Dictionary<(string From, string To), SortedSet<string>>();
            foreach (var (type, folder) in folderOf)
            {
                foreach (var target in ThroughTransparent(type, references, folderOf))
                {
                    if (folderOf.TryGetValue(target, out var targetFolder) && targetFolder != folder)
                    {
                        if (!edges.TryGetValue((folder, targetFolder), out var set))
                        {
                            edges[(folder, targetFolder)] = set = new SortedSet<string>(StringComparer.Ordinal);
                        }

                        set.Add($"{type.FullName} → {target.FullName}");
                    }
                }
            }

            graph.Edges.AddRange(edges
                .OrderBy(pair => pair.Key.From, StringComparer.Ordinal)
                .ThenBy(pair => pair.Key.To, StringComparer.Ordinal)
                .Select(pair => new Edge(pair.Key.From, pair.Key.To, [.. pair.Value])));
            return graph;
        }

        /// <summary>The types a type reaches, looking through types that belong to no folder (generated helpers).</summary>
        private static HashSet<TypeDefinition> ThroughTransparent(
            TypeDefinition type,
            Dictionary<TypeDefinition, HashSet<TypeDefinition>> references,
            Dictionary<TypeDefinition, string> folderOf)
        {
            var reached = new HashSet<TypeDefinition>();
            var visited = new HashSet<TypeDefinition> { type };
            var pending = new Stack<TypeDefinition>(references[type]);
            while (pending.Count > 0)
            {
                var next = pending.Pop();
                if (!visited.Add(next))
                {
                    continue;
                }

                if (folderOf.ContainsKey(next))
                {
                    reached.Add(next);
                }
                else if (references.TryGetValue(next, out var further))
                {
                    foreach (var reference in further)
                    {
                        pending.Push(reference);
                    }
                }
            }

            return reached;
        }

        private static string? FolderOfDocument(string path)
        {
            var normalised = path.Replace('\\', '/');
            var index = normalised.LastIndexOf(KernelSourceSegment, StringComparison.Ordinal);
            if (index < 0)
            {
                return null;
            }

            var relative = normalised[(index + KernelSourceSegment.Length)..];
            var slash = relative.IndexOf('/', StringComparison.Ordinal);
            // A file directly in src/Kernel is in no folder; obj/ holds generated sources (logging, regex, assembly info).
            return slash < 0 ? "(project root)" : relative[..slash] is "obj" or "bin" ? null : relative[..slash];
        }

        /// <summary>Every source document of every type definition, from the portable PDB.</summary>
        private static Dictionary<TypeDefinition, List<string>> ReadSourceDocuments(string pdbPath, ModuleDefinition module)
        {
            using var stream = File.OpenRead(pdbPath);
            using var provider = Srm.MetadataReaderProvider.FromPortablePdbStream(stream);
            var pdb = provider.GetMetadataReader();
            var result = new Dictionary<TypeDefinition, List<string>>();

            void Add(TypeDefinition type, Srm.DocumentHandle handle)
            {
                if (handle.IsNil)
                {
                    return;
                }

                if (!result.TryGetValue(type, out var list))
                {
                    result[type] = list = [];
                }

                list.Add(pdb.GetString(pdb.GetDocument(handle).Name));
            }

            foreach (var handle in pdb.MethodDebugInformation)
            {
                var info = pdb.GetMethodDebugInformation(handle);
                var method = (MethodDefinition)module.LookupToken(MetadataTokens.GetToken(handle.ToDefinitionHandle()));
                Add(method.DeclaringType, info.Document);
                foreach (var point in info.GetSequencePoints())
                {
                    Add(method.DeclaringType, point.Document);
                }
            }

            // Types without method bodies (interfaces, enums, delegates) are listed in TypeDefinitionDocuments.
            foreach (var handle in pdb.CustomDebugInformation)
            {
                var information = pdb.GetCustomDebugInformation(handle);
                if (information.Parent.Kind != Srm.HandleKind.TypeDefinition || pdb.GetGuid(information.Kind) != TypeDefinitionDocumentsKind)
                {
                    continue;
                }

                var type = (TypeDefinition)module.LookupToken(MetadataTokens.GetToken(information.Parent));
                var blob = pdb.GetBlobReader(information.Value);
                while (blob.RemainingBytes > 0)
                {
                    Add(type, MetadataTokens.DocumentHandle(blob.ReadCompressedInteger()));
                }
            }

            return result;
        }

        private static IEnumerable<TypeDefinition> AllNested(TypeDefinition type) =>
            type.NestedTypes.SelectMany(AllNested).Prepend(type);

        private static TypeDefinition TopLevel(TypeDefinition type)
        {
            while (type.DeclaringType is not null)
            {
                type = type.DeclaringType;
            }

            return type;
        }

        private static HashSet<TypeDefinition> ReferencedTopLevelTypes(TypeDefinition root, ModuleDefinition module)
        {
            var found = new HashSet<TypeDefinition>();

            void Type(TypeReference? reference)
            {
                switch (reference)
                {
                    case null or GenericParameter:
                        return;
                    case GenericInstanceType generic:
                        Type(generic.ElementType);
                        foreach (var argument in generic.GenericArguments)
                        {
                            Type(argument);
                        }

                        return;
                    case FunctionPointerType pointer:
                        Type(pointer.ReturnType);
                        foreach (var parameter in pointer.Parameters)
                        {
                            Type(parameter.ParameterType);
                        }

                        return;
                    case IModifierType modified:
                        Type(modified.ModifierType);
                        Type(modified.ElementType);
                        return;
                    case TypeSpecification specification: // arrays, by-ref, pointers, pinned, sentinels
                        Type(specification.ElementType);
                        return;
                }

                if (reference.Scope is ModuleDefinition scope && scope == module && reference.Resolve() is { } definition)
                {
                    found.Add(TopLevel(definition));
                }
            }

            void Attributes(ICustomAttributeProvider provider)
            {
                foreach (var attribute in provider.CustomAttributes)
                {
                    Method(attribute.Constructor);
                    foreach (var argument in attribute.ConstructorArguments.Concat(
                        attribute.Properties.Concat(attribute.Fields).Select(named => named.Argument)))
                    {
                        Argument(argument);
                    }
                }
            }

            void Argument(CustomAttributeArgument argument)
            {
                Type(argument.Type);
                switch (argument.Value)
                {
                    case TypeReference typeOf:
                        Type(typeOf);
                        break;
                    case CustomAttributeArgument boxed:
                        Argument(boxed);
                        break;
                    case CustomAttributeArgument[] array:
                        foreach (var element in array)
                        {
                            Argument(element);
                        }

                        break;
                }
            }

            void GenericParameters(IGenericParameterProvider provider)
            {
                foreach (var parameter in provider.GenericParameters)
                {
                    Attributes(parameter);
                    foreach (var constraint in parameter.Constraints)
                    {
                        Type(constraint.ConstraintType);
                        Attributes(constraint);
                    }
                }
            }

            void Method(MethodReference? method)
            {
                if (method is null)
                {
                    return;
                }

                Type(method.DeclaringType);
                Type(method.ReturnType);
                foreach (var parameter in method.Parameters)
                {
                    Type(parameter.ParameterType);
                }

                if (method is GenericInstanceMethod generic)
                {
                    foreach (var argument in generic.GenericArguments)
                    {
                        Type(argument);
                    }
                }
            }

            foreach (var type in AllNested(root))
            {
                Type(type.BaseType);
                foreach (var implemented in type.Interfaces)
                {
                    Type(implemented.InterfaceType);
                    Attributes(implemented);
                }

                Attributes(type);
                GenericParameters(type);
                foreach (var field in type.Fields)
                {
                    Type(field.FieldType);
                    Attributes(field);
                }

                foreach (var property in type.Properties)
                {
                    Type(property.PropertyType);
                    Attributes(property);
                }

                foreach (var @event in type.Events)
                {
                    Type(@event.EventType);
                    Attributes(@event);
                }

                foreach (var method in type.Methods)
                {
                    Method(method);
                    Attributes(method);
                    Attributes(method.MethodReturnType);
                    GenericParameters(method);
                    foreach (var parameter in method.Parameters)
                    {
                        Attributes(parameter);
                    }

                    foreach (var overridden in method.Overrides)
                    {
                        Method(overridden);
                    }

                    if (!method.HasBody)
                    {
                        continue;
                    }

                    foreach (var variable in method.Body.Variables)
                    {
                        Type(variable.VariableType);
                    }

                    foreach (var handler in method.Body.ExceptionHandlers)
                    {
                        Type(handler.CatchType);
                    }

                    foreach (var instruction in method.Body.Instructions)
                    {
                        switch (instruction.Operand)
                        {
                            case TypeReference typeReference:
                                Type(typeReference);
                                break;
                            case MethodReference methodReference:
                                Method(methodReference);
                                break;
                            case FieldReference fieldReference:
                                Type(fieldReference.DeclaringType);
                                Type(fieldReference.FieldType);
                                break;
                            case CallSite callSite:
                                Type(callSite.ReturnType);
                                foreach (var parameter in callSite.Parameters)
                                {
                                    Type(parameter.ParameterType);
                                }

                                break;
                        }
                    }
                }
            }

            found.Remove(root);
            return found;
        }

        public IEnumerable<Edge> EdgesWithin(IReadOnlyCollection<string> component) =>
            Edges.Where(edge => component.Contains(edge.From) && component.Contains(edge.To));

        /// <summary>Tarjan's algorithm over the folder graph.</summary>
        public List<List<string>> StronglyConnectedComponents()
        {
            var nodes = Edges.SelectMany(edge => new[] { edge.From, edge.To }).Distinct().Order(StringComparer.Ordinal).ToList();
            var successors = nodes.ToDictionary(node => node, node => Edges.Where(edge => edge.From == node).Select(edge => edge.To).ToList());
            var index = new Dictionary<string, int>();
            var lowLink = new Dictionary<string, int>();
            var stack = new Stack<string>();
            var onStack = new HashSet<string>();
            var components = new List<List<string>>();

            void Connect(string node)
            {
                index[node] = lowLink[node] = index.Count;
                stack.Push(node);
                onStack.Add(node);
                foreach (var next in successors[node])
                {
                    if (!index.ContainsKey(next))
                    {
                        Connect(next);
                        lowLink[node] = Math.Min(lowLink[node], lowLink[next]);
                    }
                    else if (onStack.Contains(next))
                    {
                        lowLink[node] = Math.Min(lowLink[node], index[next]);
                    }
                }

                if (lowLink[node] == index[node])
                {
                    var component = new List<string>();
                    string member;
                    do
                    {
                        member = stack.Pop();
                        onStack.Remove(member);
                        component.Add(member);
                    }
                    while (member != node);
                    component.Sort(StringComparer.Ordinal);
                    components.Add(component);
                }
            }

            foreach (var node in nodes.Where(node => !index.ContainsKey(node)))
            {
                Connect(node);
            }

            return components;
        }

        /// <summary>The shortest cycle through the component's first member, staying inside the component.</summary>
        public List<string> ShortestCycle(IReadOnlyList<string> component)
        {
            var start = component[0];
            var previous = new Dictionary<string, string>();
            var queue = new Queue<string>([start]);
            while (queue.Count > 0)
            {
                var node = queue.Dequeue();
                foreach (var edge in EdgesWithin(component).Where(edge => edge.From == node))
                {
                    if (edge.To == start)
                    {
                        var path = new List<string> { start };
                        for (var at = node; at != start; at = previous[at])
                        {
                            path.Insert(1, at);
                        }

                        path.Add(start);
                        return path;
                    }

                    if (previous.TryAdd(edge.To, node))
                    {
                        queue.Enqueue(edge.To);
                    }
                }
            }

            return [.. component];
        }

        public string Describe()
        {
            var text = new StringBuilder("Folder dependencies (from → to: number of type references):\n");
            foreach (var group in Edges.GroupBy(edge => edge.From))
            {
                text.Append("  ").Append(group.Key).Append(" → ")
                    .AppendJoin(", ", group.Select(edge => $"{edge.To} ({edge.References.Count})")).Append('\n');
            }

            text.Append("Seen through (no folder of their own): ").AppendJoin(", ", WithoutFolder.Order(StringComparer.Ordinal)).Append('\n');
            return text.ToString();
        }
    }
}
