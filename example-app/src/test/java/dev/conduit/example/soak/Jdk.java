package dev.conduit.example.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A JDK installation the soak server runs on, found by its home directory and checked by the
 * feature version its {@code release} file states. A missing JDK fails the test under
 * {@code CI=true} and skips it elsewhere (a developer without Java 25 can still run the rest).
 *
 * @param home the JDK's home directory
 * @param feature its feature version (17, 25, ...)
 */
record Jdk(Path home, int feature) {
    private static final Pattern VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    /** @return the JDK named by {@code conduit.soak.java25} (the soak profile sets Temurin 25's path) */
    static Jdk java25() {
        return require(System.getProperty("conduit.soak.java25", ""), 25);
    }

    /** @return the JDK named by {@code conduit.soak.java17}, or the one running the tests when it is unset */
    static Jdk java17() {
        String home = System.getProperty("conduit.soak.java17", "");
        return require(home.isBlank() ? System.getProperty("java.home") : home, 17);
    }

    /** @return the JDK running the tests, whatever its version */
    static Jdk running() {
        Path home = Path.of(System.getProperty("java.home"));
        Integer found = featureOf(home);
        return new Jdk(home, found == null ? Runtime.version().feature() : found);
    }

    Path java() {
        return home.resolve("bin/java");
    }

    Path jcmd() {
        return home.resolve("bin/jcmd");
    }

    private static Jdk require(String home, int feature) {
        String problem;
        if (home.isBlank()) {
            problem = "no JDK " + feature + " configured";
        } else {
            Path dir = Path.of(home);
            Integer found = featureOf(dir);
            if (found == null) {
                problem = "no JDK at " + dir;
            } else if (found != feature) {
                problem = dir + " is Java " + found + ", not " + feature;
            } else if (!Files.isExecutable(dir.resolve("bin/jcmd"))) {
                problem = dir + " has no bin/jcmd (a JRE, not a JDK)";
            } else {
                return new Jdk(dir, found);
            }
        }
        String message = problem + " (set -Dconduit.soak.java" + feature + "=<JDK home>)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true: the soak needs Java " + feature + ": " + message);
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    private static Integer featureOf(Path home) {
        try {
            Matcher m = VERSION.matcher(Files.readString(home.resolve("release")));
            return m.find() ? Integer.valueOf(m.group(1)) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
