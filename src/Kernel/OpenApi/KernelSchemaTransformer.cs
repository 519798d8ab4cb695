using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Kernel.OpenApi;

/// <summary>
/// Puts back what the JSON options hide from the schema generator, so the document says what the wire carries:
/// <list type="bullet">
/// <item>Strings. The kernel reads every JSON string through its request-limit converter, and the generator cannot
/// see through a custom converter (it writes <c>{}</c>, "anything"). A string is <c>type: string</c> again (with
/// <c>null</c> when the member is nullable) and, in request bodies, has the limit the converter enforces as
/// <c>maxLength</c> (or a smaller <c>[MaxLength]</c>/<c>[StringLength]</c> of the member).</item>
/// <item>Numbers. The web defaults read <c>"5"</c> for 5, so the generator says <c>integer</c> or <c>string</c> with a
/// pattern; the kernel writes numbers as numbers, and a client should send them so: <c>type: integer</c>.</item>
/// <item>"Sent or not" members. A <see cref="System.Text.Json.JsonElement"/> member of a body is <c>Undefined</c> when
/// it was not sent (a PATCH body's fields), so it is never <c>required</c>.</item>
/// <item>Closed sets of strings. A member (or query parameter) with <see cref="AllowedValuesAttribute"/> lists its
/// values as <c>enum</c>.</item>
/// </list>
/// </summary>
internal sealed class KernelSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        var property = context.JsonPropertyInfo;
        if (type == typeof(string))
        {
            DescribeString(schema, context, property);
        }
        else if (IsInteger(type) && schema.Type is { } both && both.HasFlag(JsonSchemaType.Integer) && both.HasFlag(JsonSchemaType.String))
        {
            schema.Type = both & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
        else if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Enumerable && context.JsonTypeInfo.ElementType == typeof(string) && schema.Items is null)
        {
            // The items' schema was "anything" ({}), which the writer leaves out altogether.
            var items = new OpenApiSchema();
            DescribeString(items, context, property: null);
            schema.Items = items;
        }
        else if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && schema.Required is { Count: > 0 } required)
        {
            foreach (var member in context.JsonTypeInfo.Properties.Where(p => p.PropertyType == typeof(JsonElement)))
            {
                required.Remove(member.Name);
            }
        }

        return Task.CompletedTask;
    }

    private static void DescribeString(OpenApiSchema schema, OpenApiSchemaTransformerContext context, JsonPropertyInfo? property)
    {
        if (schema.Type is null)
        {
            var nullable = property is not null && (property.IsGetNullable || property.IsSetNullable);
            schema.Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
        }

        var attributes = Attributes(context, property);
        if (schema.Enum is not { Count: > 0 } && attributes.OfType<AllowedValuesAttribute>().FirstOrDefault() is { } allowed)
        {
            var values = allowed.Values.OfType<string>().Select(v => (JsonNode)JsonValue.Create(v)).ToList();
            if (context.ParameterDescription?.Source == BindingSource.Body)
            {
                // A client sends one of the values or leaves the member out; null, which the handler treats as left
                // out, is not offered (generators turn a null in an enum into a sentinel member).
                schema.Type &= ~JsonSchemaType.Null;
            }
            else if (schema.Type.Value.HasFlag(JsonSchemaType.Null))
            {
                // JSON Schema checks enum on its own: a nullable member lists null among its values.
                values.Add(null!);
            }

            schema.Enum = values;
        }

        // The converter limits JSON strings the kernel reads: request bodies, not query strings or responses.
        if (context.ParameterDescription?.Source == BindingSource.Body)
        {
            var limit = context.ApplicationServices.GetRequiredService<IOptions<KernelOptions>>().Value.Limits.MaxStringLength;
            var declared = attributes.OfType<MaxLengthAttribute>().Select(a => a.Length)
                .Concat(attributes.OfType<StringLengthAttribute>().Select(a => a.MaximumLength))
                .Where(length => length > 0);
            schema.MaxLength = Math.Min(schema.MaxLength ?? limit, declared.Append(limit).Min());
        }
    }

    /// <summary>The attributes of the member (its property and, for a record, its constructor parameter) or of the parameter.</summary>
    private static IReadOnlyList<Attribute> Attributes(OpenApiSchemaTransformerContext context, JsonPropertyInfo? property)
    {
        var attributes = new List<Attribute>();
        if (property is not null)
        {
            attributes.AddRange(property.AttributeProvider?.GetCustomAttributes(inherit: true).OfType<Attribute>() ?? []);
            attributes.AddRange(property.AssociatedParameter?.AttributeProvider?.GetCustomAttributes(inherit: true).OfType<Attribute>() ?? []);
        }
        else if (context.ParameterDescription?.ParameterDescriptor is IParameterInfoParameterDescriptor { ParameterInfo: { } parameter })
        {
            attributes.AddRange(parameter.GetCustomAttributes(inherit: true).OfType<Attribute>());
        }

        return attributes;
    }

    private static bool IsInteger(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte)
            || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(sbyte);
    }
}
