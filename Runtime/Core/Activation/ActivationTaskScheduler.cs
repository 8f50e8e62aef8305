namespace MicroSeg.Runtime.Activation;

/// <summary>
/// Runs the tasks of one activation one at a time, in order, on the thread pool (as Orleans'
/// ActivationTaskScheduler). Grain code awaits resume here, so turns never run in parallel, even for
/// reentrant grains and timer callbacks.
/// </summary>
internal sealed class ActivationTaskScheduler : TaskScheduler, IThreadPoolWorkItem
{
    private const int TasksPerSlice = 64;
    private readonly Queue<Task> _tasks = new();
    private bool _running;

    public override int MaximumConcurrencyLevel => 1;

    protected override void QueueTask(Task task)
    {
        lock (_tasks)
        {
            _tasks.Enqueue(task);
            if (_running)
                return;
            _running = true;
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute()
    {
        for (var i = 0; i < TasksPerSlice; i++)
        {
            Task? task;
            lock (_tasks)
            {
                if (!_tasks.TryDequeue(out task))
                {
                    _running = false;
                    return;
                }
            }

            TryExecuteTask(task);
        }

        // Yield the thread so one busy activation cannot starve the others.
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    // Never inline: inlining would run a task outside the serial order.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    protected override IEnumerable<Task> GetScheduledTasks()
    {
        lock (_tasks)
            return _tasks.ToArray();
    }
}
