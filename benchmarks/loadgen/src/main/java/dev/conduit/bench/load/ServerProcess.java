package dev.conduit.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The measured server process, seen through /proc and jcmd (same machine, loopback). */
final class ServerProcess {
    /** USER_HZ: /proc reports CPU time in clock ticks of 1/100 s on Linux (getconf CLK_TCK). */
    private static final double TICKS_PER_SECOND = 100.0;
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final long pid;
    private final String jcmd;

    ServerProcess(long pid, String jcmd) {
        this.pid = pid;
        this.jcmd = jcmd;
    }

    /** @return user + system CPU seconds the process has used so far (fields 14 and 15 of /proc/PID/stat) */
    double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // The command name (field 2) may contain spaces; the fields after its closing parenthesis do not.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long utime = Long.parseLong(f[11]);
        long stime = Long.parseLong(f[12]);
        return (utime + stime) / TICKS_PER_SECOND;
    }

    /** @return the resident set size in bytes (VmRSS of /proc/PID/status) */
    long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    /** @return the heap in use right after a full GC, in bytes (jcmd GC.run, then GC.heap_info) */
    long heapAfterGc() throws IOException, InterruptedException {
        run("GC.run");
        Thread.sleep(500);
        run("GC.run");
        String info = run("GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) {
            throw new IOException("cannot read the heap size from: " + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    /** @return the live objects by class after a full GC (jcmd GC.class_histogram) */
    String classHistogram() throws IOException, InterruptedException {
        return run("GC.class_histogram");
    }

    private String run(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("jcmd " + command + " failed: " + out);
        }
        return out;
    }
}
