# Hand-written role module (not generated): a k3s agent joining vars.k3s.serverAddr.
{ vars, node, ... }:
{
  imports = [ ./k3s-node.nix ];
  services.k3s = {
    enable = true;
    role = "agent";
    serverAddr = vars.k3s.serverAddr;
    extraFlags = [
      "--node-ip=${node.address}"
      "--kubelet-arg=allowed-unsafe-sysctls=net.ipv4.ip_forward"
    ];
  };
}
