# The Vigil agent image: a JRE and the agent jar, which depends on nothing but the JDK.
# Build from the repository root after `mvn -B -q -pl agent package -DskipTests`:
#   docker build -f deploy/agent.Dockerfile -t REGISTRY/vigil-agent:0.1.0 .
FROM eclipse-temurin:17-jre
COPY agent/target/vigil-agent.jar /opt/vigil/vigil-agent.jar
USER 0
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/vigil/vigil-agent.jar"]
