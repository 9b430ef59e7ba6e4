using System.Data.Common;
using Marten.Services;
using Weasel.Storage;
using Casing = Weasel.Core.Casing;
using EnumStorage = Weasel.Core.EnumStorage;
using ISerializer = Marten.ISerializer;

namespace ModularMonolith.BuildingBlocks.Persistence;

/// <summary>
/// Marten's System.Text.Json serializer, except that a JSON column of a row already read is deserialized
/// synchronously (docs/adr/0018). Marten's own <c>FromJsonAsync(reader, index)</c> opens the column as a stream with
/// an awaited call and deserializes it with <c>JsonSerializer.DeserializeAsync</c>; Marten never opens its readers
/// with <c>CommandBehavior.SequentialAccess</c>, so Npgsql has buffered the whole row by then and there is no I/O to
/// wait for, only the cost of the asynchronous machinery: 31 % of the event loader's CPU in a rebuild's profile.
/// Reading synchronously goes through Marten's own synchronous <c>FromJson</c> on the same options, so every document
/// and event comes out exactly as before. Everything else (writing, reading a plain stream) is Marten's.
/// </summary>
/// <remarks>
/// Deriving keeps <c>is SystemTextJsonSerializer</c> checks inside Marten true; naming the interfaces again makes the
/// two methods below the ones Marten's calls through <see cref="ISerializer"/> and <see cref="IStorageSerializer"/> reach.
/// </remarks>
public sealed class BufferedRowSerializer : SystemTextJsonSerializer, ISerializer, IStorageSerializer
{
    public BufferedRowSerializer(EnumStorage enumStorage, Casing casing)
    {
        EnumStorage = enumStorage;
        Casing = casing;
    }

    public new ValueTask<T> FromJsonAsync<T>(DbDataReader reader, int index, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(FromJson<T>(reader, index));

    public new ValueTask<object> FromJsonAsync(Type type, DbDataReader reader, int index,
        CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(FromJson(type, reader, index));
}
