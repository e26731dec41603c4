# The Vigil agent image: a JRE and the ingest jar, whose agent package needs nothing but the JDK.
# Build from the repository root after `mvn -B -q -pl ingest -am package -DskipTests`:
#   docker build -f deploy/agent.Dockerfile -t REGISTRY/vigil-agent:0.1.0 .
FROM eclipse-temurin:17-jre
COPY ingest/target/vigil-ingest-0.1.0-SNAPSHOT.jar /opt/vigil/vigil-ingest.jar
USER 0
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-cp", "/opt/vigil/vigil-ingest.jar", "dev.vigil.ingest.agent.AgentMain"]
