namespace MemTrack.Samples.Tests;

/// <summary>The code under test: a small service with a fast path, a cache that fills once, and a leak.</summary>
public sealed class OrderService
{
    private static readonly List<Order> AuditTrail = [];
    private readonly Dictionary<int, decimal> _prices = [];

    public decimal Total(ReadOnlySpan<int> quantities)
    {
        decimal total = 0;
        foreach (int quantity in quantities)
        {
            total += quantity * 9.99m;
        }

        return total;
    }

    public string Describe(int id) => $"order {id}: {new string('*', 100)}";

    public decimal Price(int product)
    {
        if (!_prices.TryGetValue(product, out decimal price))
        {
            price = product * 1.5m; // the cache fills once per product
            _prices[product] = price;
        }

        return price;
    }

    public void Place(int id) => AuditTrail.Add(new Order(id)); // the leak: nothing ever removes them

    public static void ClearAudit() => AuditTrail.Clear();
}

public sealed record Order(int Id);

public sealed class Connection : IDisposable
{
    public static Connection? LastOpened { get; set; }

    public void Dispose()
    {
    }
}
