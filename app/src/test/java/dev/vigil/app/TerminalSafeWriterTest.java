package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.app.cli.TerminalSafeWriter;
import dev.vigil.schemas.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TerminalSafeWriterTest {
  private static final String OSC_TITLE = "\u001b]0;pwned\u0007";

  @Test
  void anOscTitleSequenceFromAnObjectNameReachesTheTerminalAsVisibleText() {
    StringWriter sink = new StringWriter();
    PrintWriter out = TerminalSafeWriter.wrap(new PrintWriter(sink));

    out.printf("%-10s %s%n", "K8S_Test", "default/pods/evil" + OSC_TITLE + "name\tx");
    out.flush();

    String printed = sink.toString();
    assertThat(printed).doesNotContain("\u001b").doesNotContain("\u0007");
    assertThat(printed).contains("evil\\u001b]0;pwned\\u0007name\tx");
    assertThat(printed).endsWith(System.lineSeparator());
  }

  @Test
  void c1ControlsDelAndCarriageReturnAreEscapedToo() {
    String cleaned = TerminalSafeWriter.clean("a\u009b2Jb\u007fc\rd\u0085e");

    assertThat(cleaned).isEqualTo("a\\u009b2Jb\\u007fc\\u000dd\\u0085e");
    assertThat(TerminalSafeWriter.clean("ünïcødé ✓ ok\n")).isEqualTo("ünïcødé ✓ ok\n");
  }

  @Test
  void jsonOutputStaysValidJsonWithTheSameText() throws Exception {
    String json = Json.mapper().writeValueAsString(java.util.Map.of("name", "x\u009b" + OSC_TITLE));
    StringWriter sink = new StringWriter();
    PrintWriter out = TerminalSafeWriter.wrap(new PrintWriter(sink));
    out.print(json);
    out.flush();

    assertThat(sink.toString()).doesNotContain("\u009b").doesNotContain("\u001b");
    JsonNode back = Json.mapper().readTree(sink.toString());
    assertThat(back.path("name").asText()).isEqualTo("x\u009b" + OSC_TITLE);
  }

  @Test
  void theCommandLineCleansWhatItPrints() {
    StringWriter sink = new StringWriter();
    picocli.CommandLine cli = Vigil.commandLine(new PrintWriter(sink), new PrintWriter(new StringWriter()));
    cli.getOut().println("alert on " + OSC_TITLE);
    cli.getOut().flush();

    assertThat(sink.toString()).doesNotContain("\u001b").contains("\\u001b]0;pwned\\u0007");
  }
}
