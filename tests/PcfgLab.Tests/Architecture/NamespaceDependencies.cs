using Mono.Cecil;

namespace PcfgLab.Tests.Architecture;

/// <summary>A use of a type of one namespace by a type of another, found in a compiled assembly.</summary>
/// <param name="From">Top namespace of the user (for example <c>PcfgLab.Storage</c>).</param>
/// <param name="To">Top namespace of the type used.</param>
/// <param name="Where">The using type and the type used, for the failure message.</param>
internal sealed record NamespaceDependency(string From, string To, string Where);

/// <summary>
/// Reads which namespaces of an assembly use which, from its metadata and IL (Mono.Cecil): base types, interfaces,
/// attributes, fields, properties, signatures, locals and every type, method and field an instruction names.
/// Compiler-generated closures and state machines count for the type that declares them.
/// </summary>
internal static class NamespaceDependencies
{
    /// <summary>Every dependency between different top namespaces under <paramref name="prefix"/>, once per (from, to, type pair).</summary>
    public static IReadOnlyList<NamespaceDependency> Read(string assemblyPath, string prefix)
    {
        using var assembly = AssemblyDefinition.ReadAssembly(assemblyPath);
        var found = new Dictionary<(string, string, string), NamespaceDependency>();
        foreach (var type in assembly.MainModule.GetTypes())
        {
            var from = TopNamespace(type, prefix);
            if (from is null)
            {
                continue;
            }

            var outer = Outermost(type).FullName;
            foreach (var used in Uses(type))
            {
                var to = TopNamespace(used, prefix);
                if (to is not null && to != from)
                {
                    var where = $"{outer} uses {Outermost(used).FullName}";
                    found.TryAdd((from, to, where), new NamespaceDependency(from, to, where));
                }
            }
        }

        return found.Values.OrderBy(d => d.Where, StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// The namespace that names a layer: <c>PcfgLab.Compression.Corpora</c> counts as <c>PcfgLab.Compression</c>; types
    /// outside <paramref name="prefix"/> (the runtime, packages, generated regex helpers) give null.
    /// </summary>
    public static string? TopNamespace(string? ns, string prefix)
    {
        if (ns is null || !(ns == prefix || ns.StartsWith(prefix + ".", StringComparison.Ordinal)))
        {
            return null;
        }

        var dot = ns.Length == prefix.Length ? -1 : ns.IndexOf('.', prefix.Length + 1);
        return dot < 0 ? ns : ns[..dot];
    }

    private static string? TopNamespace(TypeReference type, string prefix) => TopNamespace(Outermost(type).Namespace, prefix);

    private static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }

    private static IEnumerable<TypeReference> Uses(TypeDefinition type)
    {
        var refs = new List<TypeReference>();
        Add(refs, type.BaseType);
        foreach (var i in type.Interfaces)
        {
            Add(refs, i.InterfaceType);
        }

        AddAttributes(refs, type);
        foreach (var g in type.GenericParameters)
        {
            foreach (var c in g.Constraints)
            {
                Add(refs, c.ConstraintType);
            }
        }

        foreach (var field in type.Fields)
        {
            Add(refs, field.FieldType);
            AddAttributes(refs, field);
        }

        foreach (var property in type.Properties)
        {
            Add(refs, property.PropertyType);
            AddAttributes(refs, property);
        }

        foreach (var e in type.Events)
        {
            Add(refs, e.EventType);
        }

        foreach (var method in type.Methods)
        {
            AddMethod(refs, method);
            AddAttributes(refs, method);
            if (!method.HasBody)
            {
                continue;
            }

            foreach (var local in method.Body.Variables)
            {
                Add(refs, local.VariableType);
            }

            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference t:
                        Add(refs, t);
                        break;
                    case MethodReference m:
                        AddMethod(refs, m);
                        break;
                    case FieldReference f:
                        Add(refs, f.DeclaringType);
                        Add(refs, f.FieldType);
                        break;
                    case CallSite site:
                        Add(refs, site.ReturnType);
                        foreach (var p in site.Parameters)
                        {
                            Add(refs, p.ParameterType);
                        }

                        break;
                }
            }
        }

        return refs;
    }

    private static void AddMethod(List<TypeReference> refs, MethodReference method)
    {
        Add(refs, method.DeclaringType);
        Add(refs, method.ReturnType);
        foreach (var p in method.Parameters)
        {
            Add(refs, p.ParameterType);
        }

        if (method is GenericInstanceMethod generic)
        {
            foreach (var a in generic.GenericArguments)
            {
                Add(refs, a);
            }
        }
    }

    private static void AddAttributes(List<TypeReference> refs, ICustomAttributeProvider provider)
    {
        foreach (var attribute in provider.CustomAttributes)
        {
            Add(refs, attribute.AttributeType);
            foreach (var argument in attribute.ConstructorArguments)
            {
                Add(refs, argument.Type);
                if (argument.Value is TypeReference t)
                {
                    Add(refs, t);
                }
            }
        }
    }

    private static void Add(List<TypeReference> refs, TypeReference? type)
    {
        switch (type)
        {
            case null:
            case GenericParameter:
                return;
            case GenericInstanceType generic:
                Add(refs, generic.ElementType);
                foreach (var a in generic.GenericArguments)
                {
                    Add(refs, a);
                }

                return;
            case TypeSpecification spec:
                Add(refs, spec.ElementType);
                return;
            default:
                refs.Add(type);
                return;
        }
    }
}
