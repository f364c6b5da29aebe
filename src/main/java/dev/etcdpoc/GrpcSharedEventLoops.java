package dev.etcdpoc;

import io.grpc.internal.SharedResourceHolder;
import io.netty.channel.EventLoopGroup;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ends gRPC's shared Netty event loops just before the process exits, so that it exits at once.
 *
 * <p>At exit the JVM waits up to 300 ms for every thread that runs native code to leave it
 * (HotSpot's {@code VM_Exit::wait_for_threads_in_native_to_block}), and an idle event loop sits in
 * {@code epoll_wait}, which is native code. gRPC keeps its shared loops for a second after the last
 * channel closes, so every run of the demo ended with that wait: a third of the default run's time
 * with scripts/poc (docs/startup.md). Only for {@code main}: a JVM that goes on making clients
 * needs the loops.
 */
final class GrpcSharedEventLoops {
    /** How gRPC names the threads of its shared loops: epoll's where it loads, else Java NIO's. */
    private static final List<String> THREAD_NAMES = List.of("grpc-default-worker-", "grpc-nio-worker-");
    /** Ending idle loops takes a few milliseconds; past this the JVM's own wait is no longer. */
    private static final long BOUND_MILLIS = 250;

    private GrpcSharedEventLoops() {
    }

    /** Ends the loops if any of their threads started; on a gRPC that keeps them elsewhere, does nothing. */
    static void endBeforeExit() {
        if (!anyThreadStarted()) {
            return;   // --help, --list, a usage error: asking gRPC for the loops would make them
        }
        try {
            // gRPC's class that holds them is package-private; the holder hands out the same loops
            // while they are kept after the last channel closed.
            Field field = Class.forName("io.grpc.netty.Utils").getField("DEFAULT_WORKER_EVENT_LOOP_GROUP");
            field.setAccessible(true);
            @SuppressWarnings("unchecked")
            var resource = (SharedResourceHolder.Resource<EventLoopGroup>) field.get(null);
            EventLoopGroup loops = SharedResourceHolder.get(resource);
            loops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            loops.awaitTermination(BOUND_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError otherGrpc) {
            // The exit is as slow as before, and nothing else changes.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean anyThreadStarted() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(GrpcSharedEventLoops::isLoopThread);
    }

    /** True for a thread of gRPC's shared loops. */
    static boolean isLoopThread(Thread thread) {
        return THREAD_NAMES.stream().anyMatch(thread.getName()::startsWith);
    }
}
