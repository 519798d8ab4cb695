using System.Text;

namespace Operations.Tests.Telemetry;

/// <summary>One span of an OTLP export request, as decoded from the wire.</summary>
internal sealed record OtlpSpan(string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, int StatusCode, IReadOnlyDictionary<string, string> Attributes, string Scope, IReadOnlyDictionary<string, string> Resource);

/// <summary>
/// Decodes the spans of an OTLP/HTTP <c>ExportTraceServiceRequest</c> (protobuf) by walking the wire format: the
/// few fields of opentelemetry/proto/trace/v1/trace.proto the tests read, every other field skipped.
/// </summary>
internal static class OtlpTraceDecoder
{
    public static List<OtlpSpan> Decode(byte[] body)
    {
        var spans = new List<OtlpSpan>();
        foreach (var (field, resourceSpans) in Messages(body))
        {
            if (field != 1)
            {
                continue;
            }

            var resource = Messages(resourceSpans).Where(f => f.Field == 1)
                .SelectMany(f => Messages(f.Value).Where(a => a.Field == 1).Select(a => KeyValue(a.Value)))
                .ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
            foreach (var (rsField, scopeSpans) in Messages(resourceSpans))
            {
                if (rsField != 2)
                {
                    continue; // 1 is the resource, read above.
                }

                var scope = string.Empty;
                foreach (var (ssField, value) in Messages(scopeSpans))
                {
                    if (ssField == 1)
                    {
                        scope = Messages(value).Where(f => f.Field == 1).Select(f => Encoding.UTF8.GetString(f.Value)).FirstOrDefault() ?? string.Empty;
                    }
                    else if (ssField == 2)
                    {
                        spans.Add(Span(value, scope, resource));
                    }
                }
            }
        }

        return spans;
    }

    private static OtlpSpan Span(byte[] span, string scope, IReadOnlyDictionary<string, string> resource)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        int kind = 0, status = 0;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new Reader(span);
        while (reader.Next(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, 2): traceId = Convert.ToHexStringLower(reader.Bytes()); break;
                case (2, 2): spanId = Convert.ToHexStringLower(reader.Bytes()); break;
                case (4, 2): parent = Convert.ToHexStringLower(reader.Bytes()); break;
                case (5, 2): name = Encoding.UTF8.GetString(reader.Bytes()); break;
                case (6, 0): kind = (int)reader.Varint(); break;
                case (9, 2):
                    var (key, value) = KeyValue(reader.Bytes());
                    attributes[key] = value;
                    break;
                case (15, 2):
                    var statusReader = new Reader(reader.Bytes());
                    while (statusReader.Next(out var f, out var w))
                    {
                        if ((f, w) == (3, 0))
                        {
                            status = (int)statusReader.Varint();
                        }
                        else
                        {
                            statusReader.Skip(w);
                        }
                    }

                    break;
                default: reader.Skip(wireType); break;
            }
        }

        return new OtlpSpan(traceId, spanId, parent, name, kind, status, attributes, scope, resource);
    }

    /// <summary>A KeyValue whose AnyValue is rendered as text (string, bool, int or double).</summary>
    private static (string Key, string Value) KeyValue(byte[] message)
    {
        string key = "", value = "";
        var reader = new Reader(message);
        while (reader.Next(out var field, out var wireType))
        {
            if ((field, wireType) == (1, 2))
            {
                key = Encoding.UTF8.GetString(reader.Bytes());
            }
            else if ((field, wireType) == (2, 2))
            {
                var any = new Reader(reader.Bytes());
                while (any.Next(out var f, out var w))
                {
                    value = (f, w) switch
                    {
                        (1, 2) => Encoding.UTF8.GetString(any.Bytes()),
                        (2, 0) => any.Varint() != 0 ? "true" : "false",
                        (3, 0) => ((long)any.Varint()).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        (4, 1) => BitConverter.Int64BitsToDouble((long)any.Fixed64()).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        _ => Skipped(any, w, value),
                    };
                }
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return (key, value);
    }

    private static string Skipped(Reader reader, int wireType, string value)
    {
        reader.Skip(wireType);
        return value;
    }

    /// <summary>The length-delimited fields of a message, with their numbers.</summary>
    private static IEnumerable<(int Field, byte[] Value)> Messages(byte[] message)
    {
        var reader = new Reader(message);
        var fields = new List<(int, byte[])>();
        while (reader.Next(out var field, out var wireType))
        {
            if (wireType == 2)
            {
                fields.Add((field, reader.Bytes()));
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return fields;
    }

    private sealed class Reader(byte[] buffer)
    {
        private int _position;

        public bool Next(out int field, out int wireType)
        {
            if (_position >= buffer.Length)
            {
                (field, wireType) = (0, 0);
                return false;
            }

            var tag = Varint();
            (field, wireType) = ((int)(tag >> 3), (int)(tag & 7));
            return true;
        }

        public ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = buffer[_position++];
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return result;
                }
            }
        }

        public ulong Fixed64()
        {
            var value = BitConverter.ToUInt64(buffer, _position);
            _position += 8;
            return value;
        }

        public byte[] Bytes()
        {
            var length = (int)Varint();
            var bytes = buffer.AsSpan(_position, length).ToArray();
            _position += length;
            return bytes;
        }

        public void Skip(int wireType)
        {
            switch (wireType)
            {
                case 0:
                    Varint();
                    break;
                case 1:
                    Advance(8);
                    break;
                case 2:
                    // Not '_position += (int)Varint()': that reads _position before Varint() moves it past the length
                    // prefix, landing inside the skipped field (first hit by the span events Npgsql 10 records).
                    var length = (int)Varint();
                    Advance(length);
                    break;
                case 5:
                    Advance(4);
                    break;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type {wireType} at byte {_position}.");
            }
        }

        private void Advance(int count)
        {
            if (count < 0 || count > buffer.Length - _position)
            {
                throw new InvalidDataException($"A field of {count} bytes at byte {_position} runs past the end of the {buffer.Length}-byte message.");
            }

            _position += count;
        }
    }
}
