using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Chorus.OnnxRuntime.Tests;

/// <summary>Collects log entries in memory so tests can see what ONNX Runtime logged through the binding.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (owner.Entries.Count < 10_000)
            {
                owner.Entries.Enqueue((category, logLevel, formatter(state, exception)));
            }
        }
    }
}
