using System.Reflection;
using System.Runtime.CompilerServices;
using System.Xml.Linq;
using Shouldly;
using Xunit;

namespace ModularMonolith.Architecture.Tests;

/// <summary>
/// Modules talk only through each other's Contracts. These tests read the project files (what the build allows)
/// and the compiled assemblies (what the code uses), and fail when a module reaches into another.
/// </summary>
public sealed class ModuleBoundaries
{
    private static readonly string[] Modules = ["Accounts", "Cart", "Orders"];

    public static TheoryData<string> EveryModule => new(Modules);

    [Theory]
    [MemberData(nameof(EveryModule))]
    public void A_module_references_no_other_modules_implementation_project(string module)
    {
        var references = ProjectReferences(ImplementationProject(module));

        foreach (var other in Modules.Where(m => m != module))
            references.ShouldNotContain($"ModularMonolith.{other}",
                $"{module} references {other}'s implementation; reference ModularMonolith.{other}.Contracts instead.");
    }

    [Theory]
    [MemberData(nameof(EveryModule))]
    public void A_contracts_project_references_no_project_at_all(string module) =>
        ProjectReferences(Path.Combine(RepositoryRoot, "src", "Modules", module, $"ModularMonolith.{module}.Contracts",
            $"ModularMonolith.{module}.Contracts.csproj")).ShouldBeEmpty(
            "Contracts are plain messages; anything they reference becomes every consumer's dependency.");

    [Theory]
    [MemberData(nameof(EveryModule))]
    public void A_modules_compiled_code_uses_no_other_modules_implementation(string module)
    {
        var used = LoadModule(module).GetReferencedAssemblies().Select(a => a.Name).ToList();

        foreach (var other in Modules.Where(m => m != module))
            used.ShouldNotContain($"ModularMonolith.{other}");
    }

    [Theory]
    [MemberData(nameof(EveryModule))]
    public void A_modules_internals_are_visible_to_no_other_module(string module)
    {
        var friends = LoadModule(module).GetCustomAttributes<InternalsVisibleToAttribute>()
            .Select(a => a.AssemblyName.Split(',')[0]).ToList();

        friends.ShouldAllBe(friend => friend == $"ModularMonolith.{module}.Tests",
            $"only {module}'s own tests may see its internals");
    }

    [Fact]
    public void The_boundary_check_would_catch_a_forbidden_reference()
    {
        // Guards the guard: the parser must see a reference where one exists.
        var hostReferences = ProjectReferences(Path.Combine(RepositoryRoot, "src", "ModularMonolith.Host", "ModularMonolith.Host.csproj"));
        hostReferences.ShouldContain("ModularMonolith.Accounts");
    }

    private static Assembly LoadModule(string module) => Assembly.Load($"ModularMonolith.{module}");

    private static string ImplementationProject(string module) =>
        Path.Combine(RepositoryRoot, "src", "Modules", module, $"ModularMonolith.{module}", $"ModularMonolith.{module}.csproj");

    private static List<string> ProjectReferences(string csproj) =>
        XDocument.Load(csproj).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToList();

    private static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "ModularMonolith.sln")))
                    return dir.FullName;
            throw new InvalidOperationException("ModularMonolith.sln not found above the test binaries.");
        }
    }
}
