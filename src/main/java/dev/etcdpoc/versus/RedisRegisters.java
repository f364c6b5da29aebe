package dev.etcdpoc.versus;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A register client on Redis ({@link RegisterClient}): GET, SET, DEL, and the usual compare-and-set, a Lua
 * script that compares the value and sets the new one in one step (Redis runs a script alone). One attempt
 * each ({@link RedisCalls}), recorded in a {@link CallLog}.
 */
final class RedisRegisters implements RegisterClient {
    /** ARGV[1]: the value expected, "" for none (no value written here is empty); ARGV[2]: the new one. */
    static final String COMPARE_AND_SET = "local v = redis.call('GET', KEYS[1]) "
        + "if (v == false and ARGV[1] == '') or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 end return 0";

    private final int id;
    private final RedisCalls redis;
    private final CallLog log;
    /** The value this client last saw at each key (null: absent): what its compare-and-sets expect. */
    private final Map<String, String> seen = new HashMap<>();
    private int written;

    RedisRegisters(int id, RedisCalls redis, CallLog log) {
        this.id = id;
        this.redis = redis;
        this.log = log;
    }

    @Override
    public void get(String key) {
        long invoked = System.nanoTime();
        RedisCalls.Answer<String> answer = redis.read(j -> j.get(key));
        if (answer.answered()) {
            seen.put(key, answer.value());
        }
        record(invoked, new RegisterCall.Get(key), answer.answered() ? new RegisterCall.Value(answer.value()) : RegisterCall.FAILED);
    }

    @Override
    public void set(String key) {
        String value = nextValue();
        long invoked = System.nanoTime();
        RedisCalls.Answer<String> answer = redis.write(j -> j.set(key, value), ok -> true);
        if (answer.answered()) {
            seen.put(key, value);
        }
        record(invoked, new RegisterCall.Set(key, value), written(answer, RegisterCall.OK));
    }

    @Override
    public void compareAndSet(String key) {
        String expected = seen.get(key);
        String value = nextValue();
        long invoked = System.nanoTime();
        RedisCalls.Answer<Object> answer = redis.write(j -> j.eval(COMPARE_AND_SET, List.of(key), List.of(expected == null ? "" : expected, value)),
            swapped -> Long.valueOf(1).equals(swapped));
        boolean swapped = Long.valueOf(1).equals(answer.value());
        if (answer.answered() && swapped) {
            seen.put(key, value);
        }
        record(invoked, new RegisterCall.CompareAndSet(key, expected, value), written(answer, new RegisterCall.Compared(swapped)));
    }

    @Override
    public void delete(String key) {
        long invoked = System.nanoTime();
        RedisCalls.Answer<Long> answer = redis.write(j -> j.del(key), removed -> removed > 0);
        if (answer.answered()) {
            seen.put(key, null);
        }
        record(invoked, new RegisterCall.Delete(key), written(answer, answer.answered() ? new RegisterCall.Removed(answer.value().intValue()) : null));
    }

    /** A write's reply; an unknown one also leaves this client not knowing what the key holds. */
    private RegisterCall.Reply written(RedisCalls.Answer<?> answer, RegisterCall.Reply ok) {
        if (answer.unknown()) {
            return RegisterCall.UNKNOWN;
        }
        return answer.failed() ? RegisterCall.FAILED : ok;
    }

    private String nextValue() {
        return "c" + id + "." + ++written;
    }

    private void record(long invoked, RegisterCall.Command command, RegisterCall.Reply reply) {
        if (reply instanceof RegisterCall.Unknown) {
            seen.remove(command.key());
        }
        long completed = reply instanceof RegisterCall.Unknown ? Long.MAX_VALUE : System.nanoTime();
        log.add(new RegisterCall(id, invoked, completed, command, reply));
    }
}
