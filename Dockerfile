# Builds Elephant and runs it; by default `elephant dev` against the Kafka broker named in
# ELEPHANT_KAFKA_BOOTSTRAP (see docker-compose.yml), listening on all interfaces.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -ntp -DskipTests package

FROM eclipse-temurin:17-jre
WORKDIR /elephant
COPY --from=build /src/app/target/elephant.jar /elephant/elephant.jar
ENV ELEPHANT_BIND=0.0.0.0 \
    ELEPHANT_DATA_DIR=/data
VOLUME /data
# HTTP API, EC2 stand-in, Cloudflare stand-in, DNS
EXPOSE 8080 8081 4566 8787 5353/tcp 5353/udp
ENTRYPOINT ["java", "-jar", "/elephant/elephant.jar"]
CMD ["dev"]
