package dev.etcdpoc.connect;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An option's value parsed by a method that throws IllegalArgumentException with a message for
 * the user; picocli then reports it as a usage error (exit 2) naming the option.
 */
public abstract class OptionValue<T> implements ITypeConverter<T> {
    /** The value of {@code text}, or an IllegalArgumentException that says what to write instead. */
    protected abstract T parse(String text);

    @Override
    public final T convert(String text) {
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
