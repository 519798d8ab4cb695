using System.Text;

namespace Kernel.LoadHarness.Http;

/// <summary>wrk scripts: a fixed request, random reads over (token, path) pairs, random-tenant creates. Written to a temp folder.</summary>
internal sealed class LuaScripts(string folder)
{
    private int _count;

    public string Get(string path, string? token) =>
        Write($"""
            wrk.method = "GET"
            wrk.path = "{path}"
            {(token is null ? "" : $"wrk.headers[\"Authorization\"] = \"Bearer {token}\"")}
            """);

    /// <summary>GETs of a random item each time; an item names its token (or none) and its path.</summary>
    public string RandomGets(IReadOnlyList<string> tokens, IReadOnlyList<(int Token, string Path)> items) =>
        Write(Tables(tokens) + $$"""
            local items = { {{string.Join(",\n", items.Select(i => $"{{{i.Token + 1}, \"{i.Path}\"}}"))}} }
            math.randomseed(7)
            request = function()
              local item = items[math.random(#items)]
              if item[1] == 0 then return wrk.format("GET", item[2]) end
              return wrk.format("GET", item[2], { ["Authorization"] = "Bearer " .. tokens[item[1]] })
            end
            """);

    /// <summary>POSTs of <paramref name="json"/> as a random tenant each time.</summary>
    public string RandomPosts(IReadOnlyList<string> tokens, string path, string json) =>
        Write(Tables(tokens) + $$"""
            local body = '{{json}}'
            math.randomseed(11)
            request = function()
              return wrk.format("POST", "{{path}}", { ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)], ["Content-Type"] = "application/json" }, body)
            end
            """);

    private static string Tables(IReadOnlyList<string> tokens) =>
        new StringBuilder("local tokens = { ").AppendJoin(",\n", tokens.Select(t => $"\"{t}\"")).AppendLine(" }").ToString();

    private string Write(string lua)
    {
        var path = Path.Combine(folder, $"script{++_count}.lua");
        File.WriteAllText(path, lua);
        return path;
    }
}
