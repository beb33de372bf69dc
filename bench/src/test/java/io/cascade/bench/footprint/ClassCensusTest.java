package io.cascade.bench.footprint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassCensusTest {

    /** Lines as {@code jcmd <pid> VM.classes} prints them on JDK 25 (a JVM with its default class-data archive). */
    private static final String VM_CLASSES = """
            27832:
            KlassAddr           Size  State                 Flags    ClassName \s
            0x0000000030145400    66  fully_initialized     W        java.lang.invoke.LambdaForm$MH/0x0000000030145400 \s
            0x0000000030140e98    79  loaded                         com.sun.tools.javac.launcher.MemoryClassLoader$MemoryURLStreamHandler \s
            0x000000002f252d40    74  fully_initialized     WS       java.util.concurrent.TimeUnit \s
            0x000000002f1f3b08   119  fully_initialized     WS       java.lang.invoke.MethodHandleImpl$IntrinsicMethodHandle \s
            0x000000002f1f3c00    74  fully_initialized     WS       java.lang.invoke.Invokers$Holder \s
            0x0000000030141110    74  fully_initialized     W        com.sun.tools.javac.launcher.MemoryContext$$Lambda/0x0000000030141110 \s
            0x000000002f2a1000    74  fully_initialized     WS       java.util.stream.Collectors$$Lambda/0x800000051 \s
            0x0000000030150000    70  fully_initialized     W        jdk.proxy1.$Proxy0 \s
            0x0000000030150400    70  linked                fW       Main \s
            """;

    @Test
    void countsTheClassesThoseFromAnArchiveAndThoseGeneratedAndRanksPackages() {
        ClassCensus c = ClassCensus.parse(VM_CLASSES);
        assertThat(c.loaded()).isEqualTo(9);
        assertThat(c.shared()).isEqualTo(4);
        // the method-handle form, the javac lambda and the proxy; the archived lambda is not generated at run time
        assertThat(c.generated()).isEqualTo(3);
        assertThat(List.copyOf(c.packages().keySet())).containsExactly("java.lang.invoke", "com.sun.tools.javac.launcher", "",
                "java.util.concurrent", "java.util.stream", "jdk.proxy1");
        assertThat(c.packages()).containsEntry("java.lang.invoke", 3).containsEntry("com.sun.tools.javac.launcher", 2)
                .containsEntry("", 1);
    }

    @Test
    void keepsTheTopPackagesOnly() {
        StringBuilder out = new StringBuilder("1:\nKlassAddr Size State Flags ClassName\n");
        for (int p = 0; p < ClassCensus.TOP + 5; p++) {
            for (int i = 0; i <= p; i++) {
                out.append("0x00000000300").append(p).append(i).append(" 70 loaded W p").append(p).append(".C").append(i).append('\n');
            }
        }
        ClassCensus c = ClassCensus.parse(out.toString());
        assertThat(c.packages()).hasSize(ClassCensus.TOP);
        assertThat(c.packages().keySet().iterator().next()).isEqualTo("p" + (ClassCensus.TOP + 4));
        assertThat(c.loaded()).isEqualTo((ClassCensus.TOP + 5) * (ClassCensus.TOP + 6) / 2);
    }
}
