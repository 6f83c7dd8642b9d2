using System.Reflection;

namespace PcfgLab.Base;

/// <summary>Name and version of this tool, recorded in every dataset, fit and report.</summary>
public static class ToolInfo
{
    /// <summary>The tool's name.</summary>
    public const string Name = "pcfglab";

    /// <summary>The library's informational version (for example <c>0.1.0+abc123</c>).</summary>
    public static string Version { get; } =
        typeof(ToolInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ToolInfo).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";
}
