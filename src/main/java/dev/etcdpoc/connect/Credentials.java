package dev.etcdpoc.connect;

/** An etcd user and password. The password never appears in toString, messages or output. */
public record Credentials(String user, String password) {
    @Override
    public String toString() {
        return "Credentials[user=" + user + "]";
    }
}
