namespace ModularMonolith.Accounts.PersonalData;

/// <summary>
/// An event with sealed personal data in it. The audit trail shows <see cref="Reveal"/>'s answer instead of the
/// event itself: the same members, personal ones opened with the account's key (or "(erased)").
/// </summary>
public interface IHoldPersonalData
{
    object Reveal(PersonalDataKey? key);

    /// <summary>Any event's data as an audit trail shows it: opened with the key when it holds personal data.</summary>
    static object Shown(object data, PersonalDataKey? key) => data is IHoldPersonalData personal ? personal.Reveal(key) : data;
}
