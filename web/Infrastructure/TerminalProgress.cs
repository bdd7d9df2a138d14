using Spectre.Console;
using Spectre.Console.Rendering;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// Spectre.Console's progress display fed by the (done, total) reports of a long command (import, reindex): a live bar
/// on a terminal; where stdout is a file or a CI log, Spectre prints a plain line at 25, 50, 75 and 95 % instead.
/// </summary>
public static class TerminalProgress
{
    public static Task RunAsync(string label, Func<IProgress<(int Done, int Total)>, Task> work) =>
        RunAsync(label, async progress => { await work(progress); return true; });

    public static Task<T> RunAsync<T>(string label, Func<IProgress<(int Done, int Total)>, Task<T>> work) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new CountColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(label), maxValue: 1);
                var result = await work(new TaskProgress(task));
                // A run with nothing to write (a dry run, an empty list) never reports; the bar still ends full.
                task.Value = task.MaxValue;
                return result;
            });

    private sealed class TaskProgress(ProgressTask task) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value)
        {
            task.MaxValue = Math.Max(value.Total, 1);
            task.Value = value.Total == 0 ? 1 : value.Done;
        }
    }

    /// <summary>"12,000/100,000": rows or firms, as the hand-written bar showed them.</summary>
    private sealed class CountColumn : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text($"{task.Value:N0}/{task.MaxValue:N0}");
    }
}
