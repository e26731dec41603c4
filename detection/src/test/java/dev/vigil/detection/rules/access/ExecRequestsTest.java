package dev.vigil.detection.rules.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExecRequestsTest {
  @Test
  void execCommandsAreDecodedFromTheQuery() {
    assertThat(
            ExecRequests.command(
                "/api/v1/namespaces/a/pods/b/exec?command=sh&command=-c&command=curl+x+%7C+sh&stdin=true"))
        .containsExactly("sh", "-c", "curl x | sh");
    assertThat(ExecRequests.command("/api/v1/namespaces/a/pods/b/exec")).isEmpty();
    assertThat(ExecRequests.command("/x?command=%zz")).containsExactly("%zz");
    assertThat(ExecRequests.parameter("/x?ports=5432&y=1", "ports")).isEqualTo("5432");
  }
}
