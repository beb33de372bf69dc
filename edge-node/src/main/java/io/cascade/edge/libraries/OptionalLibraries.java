package io.cascade.edge.libraries;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Libraries the edge's distribution keeps beside {@code cascade-edge.jar} in a directory of their own, off the jar's
 * class path, and loads only when a feature needs them (issue 31).
 *
 * <p>Every jar on the class path is opened by the first lookup that misses (service lookups, probes for optional
 * classes), and each open jar keeps its central directory on the heap: measured by {@code bench footprint}, a sim site
 * with gRPC, netty, guava and Bouncy Castle on its class path had 1.9 MB more heap, 3.1 MB more RSS and 23 more open
 * files than without.
 *
 * <p>A feature's loader is made once (one per directory), over the feature's directory and the jars that hold its own
 * classes; it defines those classes itself ({@link #ownPrefixes}: they link against the libraries only it sees) and
 * asks the class path for everything else, so the feature shares the edge's types. Where the libraries are on the class path already
 * (the tests, the {@code cascade} CLI's class path) the class path's loader is used as it is.
 *
 * @param dir         the directory beside the jar, e.g. {@code lib/k8s}
 * @param probe       a class of the libraries: found on the class path, no loader is made
 * @param ownPrefixes names of the classes the loader defines itself (from {@code homes}' jars)
 * @param homes       classes whose jars hold those classes (their jars come first in the loader)
 */
public record OptionalLibraries(String dir, String probe, List<String> ownPrefixes, List<Class<?>> homes) {

    /** By {@link #dir}. */
    private static final Map<String, ClassLoader> LOADERS = new HashMap<>();

    public OptionalLibraries {
        ownPrefixes = List.copyOf(ownPrefixes);
        homes = List.copyOf(homes);
    }

    /** This feature's loader: made at the first call, the same one after it. */
    public ClassLoader loader() {
        synchronized (LOADERS) {
            return LOADERS.computeIfAbsent(dir, d -> make(OptionalLibraries.class.getClassLoader()));
        }
    }

    /**
     * Runs {@code action} with this feature's loader, which is the thread's context loader meanwhile (the libraries find
     * their own services through ServiceLoader on it: fabric8 its HTTP client, gRPC its transport). What a method
     * called reflectively throws comes out as it is; a class or method that cannot be found is an
     * IllegalStateException naming {@code feature}.
     */
    public <T> T call(String feature, LoaderAction<T> action) {
        ClassLoader loader = loader();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return action.apply(loader);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(feature + " failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(feature + " cannot be loaded: " + e, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** What {@link #call} runs with the feature's loader. */
    @FunctionalInterface
    public interface LoaderAction<T> {
        T apply(ClassLoader loader) throws ReflectiveOperationException;
    }

    private ClassLoader make(ClassLoader own) {
        try {
            Class.forName(probe, false, own);
            return own;
        } catch (ClassNotFoundException notOnClassPath) {
            // the edge's distribution: the libraries are in dir
        }
        Set<Path> jars = new LinkedHashSet<>();
        for (Class<?> home : homes) {
            jars.add(jarOf(home));
        }
        Path edgeJar = jarOf(OptionalLibraries.class);
        Path libs = (Files.isDirectory(edgeJar) ? edgeJar : edgeJar.getParent()).resolve(dir);
        int before = jars.size();
        try (Stream<Path> list = Files.isDirectory(libs) ? Files.list(libs) : Stream.empty()) {
            list.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().forEach(jars::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + libs, e);
        }
        if (jars.size() == before) {
            throw new IllegalStateException("this needs the jars the edge's distribution keeps in " + libs
                    + " (see edge-node/pom.xml), and there are none");
        }
        List<URL> urls = new ArrayList<>();
        try {
            for (Path jar : jars) {
                urls.add(jar.toUri().toURL());
            }
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        return new OwnFirst("cascade-" + Path.of(dir).getFileName(), urls.toArray(URL[]::new), own, ownPrefixes);
    }

    private static Path jarOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot tell which jar " + c.getName() + " came from", e);
        }
    }

    /** Defines the classes named by its prefixes itself; everything else parent first. */
    private static final class OwnFirst extends URLClassLoader {
        static {
            registerAsParallelCapable();
        }

        private final List<String> prefixes;

        OwnFirst(String name, URL[] urls, ClassLoader parent, List<String> prefixes) {
            super(name, urls, parent);
            this.prefixes = prefixes;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (prefixes.stream().noneMatch(name::startsWith)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
