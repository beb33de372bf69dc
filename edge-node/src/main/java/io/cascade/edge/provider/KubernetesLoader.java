package io.cascade.edge.provider;

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
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Loads the Kubernetes provider ({@code io.cascade.edge.provider.k8s}) and fabric8 only when a site uses {@code k8s}.
 *
 * <p>The edge's distribution keeps fabric8 and what only it needs (its JDK HTTP client adapter, snakeyaml-engine; 28 jars)
 * in {@code lib/k8s} beside {@code cascade-edge.jar}, off the jar's class path: a site on {@code sim} or {@code dir}
 * never opens them (measured by {@code bench footprint}: 117 → 73 open files, 1 MB of heap). The first {@code k8s}
 * provider makes one class loader over those jars and {@code cascade-edge.jar} that defines the provider's package
 * itself and asks the class path for everything else, so the provider sees fabric8 and shares {@link Provider} and
 * the rest with the edge. Where fabric8 is on the class path already (the tests, the {@code cascade} CLI's class
 * path), that is used.
 */
final class KubernetesLoader {

    static final String PACKAGE = "io.cascade.edge.provider.k8s.";
    static final String FACTORY = PACKAGE + "KubernetesProviders";
    /** Beside the jar holding this class. */
    static final String LIB_DIR = "lib/k8s";
    private static final String FABRIC8 = "io.fabric8.kubernetes.client.KubernetesClient";

    private static ClassLoader loader;

    private KubernetesLoader() {}

    /** {@code KubernetesProviders.create(context)}, loaded as above. */
    static Provider create(Optional<String> context) {
        ClassLoader k8s = loader();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(k8s); // fabric8 finds its HTTP client through ServiceLoader on the context loader
        try {
            return (Provider) k8s.loadClass(FACTORY).getMethod("create", Optional.class).invoke(null, context);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("the Kubernetes provider failed to start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the Kubernetes provider cannot be loaded: " + e, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    static synchronized ClassLoader loader() {
        if (loader == null) {
            loader = make(KubernetesLoader.class.getClassLoader());
        }
        return loader;
    }

    private static ClassLoader make(ClassLoader own) {
        try {
            Class.forName(FABRIC8, false, own);
            return own;
        } catch (ClassNotFoundException notOnClassPath) {
            // the edge's distribution: fabric8 in lib/k8s
        }
        Path jar;
        try {
            jar = Path.of(KubernetesLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot tell where the edge's jar is, to find " + LIB_DIR + " beside it", e);
        }
        Path dir = (Files.isDirectory(jar) ? jar : jar.getParent()).resolve(LIB_DIR);
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> jars = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            urls.add(jar.toUri().toURL());
            for (Path p : jars.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                urls.add(p.toUri().toURL());
            }
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        if (urls.size() == 1) {
            throw new IllegalStateException("the k8s provider needs fabric8's jars in " + dir
                    + " (the edge's distribution has them there; see edge-node/pom.xml), and there are none");
        }
        return new PackageFirst(urls.toArray(URL[]::new), own);
    }

    /** Defines {@link #PACKAGE} itself (from the edge's jar, seeing fabric8); everything else parent first. */
    private static final class PackageFirst extends URLClassLoader {
        static {
            registerAsParallelCapable();
        }

        PackageFirst(URL[] urls, ClassLoader parent) {
            super("cascade-k8s", urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(PACKAGE)) {
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
